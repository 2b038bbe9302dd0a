import type { ProviderLogger } from '@llama-stack-ts/core';
import { onnxSessionOptions } from '@llama-stack-ts/provider-utils/transformers';
import type { TransformersProgressEvent } from './hub-download-progress.js';
import { normalizeL2, type Pooling, poolTokens, splitRows } from './pooling.js';
import type { PoolingChoice } from './resolve-pooling.js';
import { type EncoderInput, TokenizerThread } from './tokenizer-thread.js';
import { type OnnxDtype, onnxFileOfDtype } from './transformers-config.js';

/** What this module uses of a transformers.js tensor. */
interface Tensor {
  dims: number[];
  data: ArrayLike<number | bigint>;
}

/** transformers.js' `Tensor` constructor, for the int64 inputs of the encoder. */
export type Int64TensorConstructor = new (type: 'int64', data: BigInt64Array, dims: number[]) => Tensor;

/** What this module uses of a transformers.js model: called with the tokenizer's tensors. */
export type EncoderModel = ((inputs: Record<string, Tensor>) => Promise<Record<string, Tensor>>) & {
  config?: { max_position_embeddings?: number };
  dispose(): Promise<unknown>;
};

export interface SentenceEmbeddingModelParts {
  modelId: string;
  tokenizer: TokenizerThread;
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
  /** Where the model's files are: the folder itself, or the hub repository's cache folder. */
  folder: string;
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

/** Batches the tokenizer thread works ahead of the encoder. */
const tokenizeAhead = 2;

/**
 * A transformers.js ONNX encoder with the pooling and normalization its card asks for. Forward
 * passes of one model run one at a time (each already uses every core; concurrent requests take
 * turns batch by batch), batches are sorted by length so padding stays small, the next batches
 * tokenize on a thread of their own while the encoder runs (`TokenizerThread`), and results come
 * back in request order.
 */
export class SentenceEmbeddingModel {
  readonly modelId: string;
  readonly pooling: PoolingChoice;
  readonly normalize: boolean;
  readonly maxTokens: number;
  readonly maxBatchSize: number;
  #dimension = 0;
  readonly #tokenizer: TokenizerThread;
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
    // The thread reads the tokenizer files from `folder`. Where they may have to be fetched first,
    // transformers.js' own hub loading does it (with progress); a local folder needs no second parse.
    if (!options.load.local_files_only)
      await AutoTokenizer.from_pretrained(options.pathOrRepoId, options.load);
    const tokenizer = await TokenizerThread.start({ folder: options.folder });
    const model = (await AutoModel.from_pretrained(options.pathOrRepoId, {
      ...options.load,
      dtype: options.dtype,
      device: options.device,
      session_options: onnxSessionOptions(options.threads),
    }).catch(async (error: unknown) => {
      await tokenizer.dispose();
      throw error;
    })) as unknown as EncoderModel;
    const limits = [
      options.maxTokens,
      tokenizer.modelMaxLength,
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
    try {
      const [probe] = await loaded.embed(['dimension probe']);
      loaded.#dimension = probe!.length;
    } catch (error) {
      await loaded.dispose();
      throw error;
    }
    return loaded;
  }

  /** One vector per text, in order. Texts longer than `maxTokens` tokens are truncated. */
  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const order = texts.map((_, index) => index).sort((a, b) => texts[b]!.length - texts[a]!.length);
    const batches: number[][] = [];
    for (let start = 0; start < order.length; start += this.maxBatchSize) {
      batches.push(order.slice(start, start + this.maxBatchSize));
    }
    const tokenized: Promise<Record<string, EncoderInput>>[] = [];
    const tokenizeThrough = (last: number) => {
      for (let index = tokenized.length; index <= Math.min(last, batches.length - 1); index++) {
        const inputs = this.#tokenizer.tokenize(
          batches[index]!.map((position) => texts[position]!),
          this.maxTokens,
        );
        // Awaited in turn below, unless an earlier batch fails first.
        inputs.catch(() => undefined);
        tokenized.push(inputs);
      }
    };
    const vectors = new Array<number[]>(texts.length);
    for (const [index, batch] of batches.entries()) {
      tokenizeThrough(index + tokenizeAhead);
      const inputs = await tokenized[index]!;
      const pooled = await this.#takeTurn(() => {
        signal?.throwIfAborted();
        if (this.#disposed) throw new Error(`model '${this.modelId}' was disposed`);
        return this.#forward(inputs);
      });
      batch.forEach((position, row) => {
        vectors[position] = Array.from(pooled[row]!);
      });
    }
    return vectors;
  }

  /**
   * Runs one forward pass after those queued before it. Passes take turns batch by batch, so a
   * short request (a query) waits for one batch of a long one (an ingest), not for all of it.
   */
  #takeTurn<Result>(pass: () => Promise<Result>): Promise<Result> {
    const run = this.#queue.then(pass);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #forward(encoded: Record<string, EncoderInput>): Promise<Float32Array[]> {
    const inputs = Object.fromEntries(
      Object.entries(encoded).map(([name, { data, dims }]) => [name, new this.#Tensor('int64', data, dims)]),
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
    await Promise.all([this.#model.dispose(), this.#tokenizer.dispose()]);
  }
}

/** The ONNX file `dtype` makes transformers.js read, relative to the model folder. */
export function onnxFileFor(dtype: OnnxDtype): string {
  return onnxFileOfDtype[dtype];
}
