import { endianness } from 'node:os';
import type { ProviderLogger } from '@llama-stack-ts/core';
import { cacheWordPieces, type WordTokenizerModel } from './cache-word-pieces.js';
import type { TransformersProgressEvent } from './hub-download-progress.js';
import { normalizeL2, type Pooling, poolTokens, splitRows } from './pooling.js';
import type { PoolingChoice } from './resolve-pooling.js';
import { type OnnxDtype, onnxFileOfDtype } from './transformers-config.js';

/** What this module uses of a transformers.js tensor. */
interface Tensor {
  dims: number[];
  data: ArrayLike<number | bigint>;
}

/** What this module uses of a transformers.js tokenizer: a batch of texts to rows of ids per input. */
export type BatchTokenizer = ((
  texts: string[],
  options: { padding: true; truncation: true; max_length: number; return_tensor: false },
) => Record<string, number[][]>) & { model_max_length?: number; model: WordTokenizerModel };

/** transformers.js' `Tensor` constructor, for the int64 inputs of the encoder. */
export type Int64TensorConstructor = new (type: 'int64', data: BigInt64Array, dims: number[]) => Tensor;

/** What this module uses of a transformers.js model: called with the tokenizer's tensors. */
export type EncoderModel = ((inputs: Record<string, Tensor>) => Promise<Record<string, Tensor>>) & {
  config?: { max_position_embeddings?: number };
  dispose(): Promise<unknown>;
};

export interface SentenceEmbeddingModelParts {
  modelId: string;
  tokenizer: BatchTokenizer;
  model: EncoderModel;
  Tensor: Int64TensorConstructor;
  pooling: PoolingChoice;
  normalize: boolean;
  /** Tokens kept per text, special tokens included. */
  maxTokens: number;
  maxBatchSize: number;
}

/** The model-loading options of transformers.js' `from_pretrained` that this provider sets. */
export interface PretrainedLoadOptions {
  local_files_only: boolean;
  cache_dir: string;
  revision: string;
  progress_callback?: (event: TransformersProgressEvent) => void;
}

export interface LoadSentenceEmbeddingModelOptions {
  modelId: string;
  /** A folder path, or a hub repository id. */
  pathOrRepoId: string;
  load: PretrainedLoadOptions;
  dtype: OnnxDtype;
  device: 'cpu' | 'cuda';
  threads?: number | undefined;
  pooling: PoolingChoice;
  normalize: boolean;
  maxTokens?: number | undefined;
  maxBatchSize: number;
  logger?: ProviderLogger | undefined;
}

/**
 * A transformers.js ONNX encoder with the pooling and normalization its card asks for. Forward
 * passes of one model run one at a time (each already uses every core), batches are sorted by length
 * so padding stays small, and results come back in request order.
 */
export class SentenceEmbeddingModel {
  readonly modelId: string;
  readonly pooling: PoolingChoice;
  readonly normalize: boolean;
  readonly maxTokens: number;
  readonly maxBatchSize: number;
  #dimension = 0;
  readonly #tokenizer: BatchTokenizer;
  readonly #model: EncoderModel;
  readonly #Tensor: Int64TensorConstructor;
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;

  private constructor(parts: SentenceEmbeddingModelParts) {
    this.modelId = parts.modelId;
    this.#tokenizer = parts.tokenizer;
    this.#model = parts.model;
    this.#Tensor = parts.Tensor;
    this.pooling = parts.pooling;
    this.normalize = parts.normalize;
    this.maxTokens = parts.maxTokens;
    this.maxBatchSize = parts.maxBatchSize;
  }

  /** The length of the vectors this model returns (measured on a probe text at load). */
  get dimension(): number {
    return this.#dimension;
  }

  /** Loads the tokenizer and the ONNX model through transformers.js (which downloads hub files). */
  static async load(options: LoadSentenceEmbeddingModelOptions): Promise<SentenceEmbeddingModel> {
    const { AutoModel, AutoTokenizer, Tensor } = await import('@huggingface/transformers');
    const tokenizer = (await AutoTokenizer.from_pretrained(
      options.pathOrRepoId,
      options.load,
    )) as unknown as BatchTokenizer;
    cacheWordPieces(tokenizer.model);
    const model = (await AutoModel.from_pretrained(options.pathOrRepoId, {
      ...options.load,
      dtype: options.dtype,
      device: options.device,
      // Warnings only: onnxruntime's info lines about graph optimizations would flood the log.
      session_options: {
        logSeverityLevel: 3,
        ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
      },
    })) as unknown as EncoderModel;
    const limits = [
      options.maxTokens,
      tokenizer.model_max_length,
      model.config?.max_position_embeddings,
    ].filter((limit): limit is number => typeof limit === 'number' && limit > 0 && Number.isFinite(limit));
    const loaded = new SentenceEmbeddingModel({
      modelId: options.modelId,
      tokenizer,
      model,
      Tensor: Tensor as unknown as Int64TensorConstructor,
      pooling: options.pooling,
      normalize: options.normalize,
      maxTokens: Math.min(...limits, 8192),
      maxBatchSize: options.maxBatchSize,
    });
    const [probe] = await loaded.embed(['dimension probe']);
    loaded.#dimension = probe!.length;
    return loaded;
  }

  /** One vector per text, in order. Texts longer than `maxTokens` tokens are truncated. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const run = this.#queue.then(() => this.#embedNow(texts, signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #embedNow(texts: readonly string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const order = texts.map((_, index) => index).sort((a, b) => texts[b]!.length - texts[a]!.length);
    const vectors = new Array<number[]>(texts.length);
    for (let start = 0; start < order.length; start += this.maxBatchSize) {
      signal?.throwIfAborted();
      if (this.#disposed) throw new Error(`model '${this.modelId}' was disposed`);
      const indices = order.slice(start, start + this.maxBatchSize);
      const batch = await this.#forward(indices.map((index) => texts[index]!));
      indices.forEach((index, position) => {
        vectors[index] = Array.from(batch[position]!);
      });
    }
    return vectors;
  }

  async #forward(texts: string[]): Promise<Float32Array[]> {
    // The tokenizer's own tensors convert ids with `BigInt64Array.from(ids.flat().map(BigInt))`,
    // measured at a quarter of tokenizing time; the rows are packed here instead.
    const ids = this.#tokenizer(texts, {
      padding: true,
      truncation: true,
      max_length: this.maxTokens,
      return_tensor: false,
    });
    const inputs = Object.fromEntries(
      Object.entries(ids).map(([name, rows]) => [name, toInt64Tensor(this.#Tensor, rows)]),
    );
    const outputs = await this.#model(inputs);
    let pooled: Float32Array[];
    const sentence = outputs.sentence_embedding;
    if (sentence && sentence.dims.length === 2) {
      // An export that pools inside the graph (sentence-transformers' ONNX export) already did it.
      pooled = splitRows(
        Float32Array.from(sentence.data as ArrayLike<number>),
        sentence.dims as [number, number],
      );
    } else {
      const tokens = outputs.last_hidden_state ?? outputs.token_embeddings;
      const mask = inputs.attention_mask;
      if (tokens?.dims.length !== 3 || !mask) {
        throw new Error(
          `the ONNX model returned ${Object.keys(outputs).join(', ')}; a sentence-embedding model returns last_hidden_state [batch, tokens, hidden]`,
        );
      }
      pooled = poolTokens(
        tokens.data instanceof Float32Array
          ? tokens.data
          : Float32Array.from(tokens.data as ArrayLike<number>),
        tokens.dims as [number, number, number],
        mask.data,
        this.pooling.pooling as Pooling,
      );
    }
    return this.normalize ? pooled.map(normalizeL2) : pooled;
  }

  /** Releases the ONNX session once pending passes finish. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#queue;
    await this.#model.dispose();
  }
}

const littleEndian = endianness() === 'LE';

/** Rows of equal length (the tokenizer pads and truncates) as one [rows, width] int64 tensor. */
function toInt64Tensor(Tensor: Int64TensorConstructor, rows: number[][]): Tensor {
  const width = rows[0]?.length ?? 0;
  const data = new BigInt64Array(rows.length * width);
  let offset = 0;
  if (littleEndian) {
    // Ids and masks are small non-negative integers: their low 32 bits, written through a view of
    // the zeroed buffer, are the whole value, without allocating a BigInt per id (2-3x faster).
    const words = new Int32Array(data.buffer);
    for (const row of rows) {
      for (const id of row) {
        words[offset] = id;
        offset += 2;
      }
    }
  } else {
    for (const row of rows) {
      for (const id of row) data[offset++] = BigInt(id);
    }
  }
  return new Tensor('int64', data, [rows.length, width]);
}

/** The ONNX file `dtype` makes transformers.js read, relative to the model folder. */
export function onnxFileFor(dtype: OnnxDtype): string {
  return onnxFileOfDtype[dtype];
}
