import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFormatError } from './errors/model-format-error.js';
import { Model2VecTokenizer } from './model2vec-tokenizer.js';
import {
  parseSafetensors,
  SafetensorsFormatError,
  type SafetensorsTensor,
  toFloat32,
  toFloat64,
  toInt32,
} from './read-safetensors.js';

/** The files a Model2Vec model folder must hold (the layout `model2vec` saves and the hub serves). */
export const model2VecFiles = ['config.json', 'tokenizer.json', 'model.safetensors'] as const;

export interface Model2VecModelOptions {
  /** The model id used in error messages. */
  modelId: string;
  /** Overrides config.json's `normalize` (default there: true). */
  normalize?: boolean | undefined;
  /** Tokens kept per text (model2vec's `max_length`). Default 512. */
  maxTokens?: number | undefined;
}

/**
 * A Model2Vec static embedding model: a tokenizer and a table of token vectors. A text's embedding
 * is the mean over its tokens of `embeddings[mapping[t]] * weights[t]` (without `mapping` the row is
 * `t`; without `weights` the weight is 1), L2-normalized when the config says `normalize`. Tokens
 * are encoded without special tokens and the unknown token is dropped, as model2vec does.
 */
export class Model2VecModel {
  readonly modelId: string;
  readonly dimension: number;
  readonly normalize: boolean;
  readonly maxTokens: number;
  readonly #tokenizer: Model2VecTokenizer;
  readonly #embeddings: Float32Array;
  readonly #rows: number;
  readonly #mapping: Int32Array | undefined;
  readonly #weights: Float64Array | undefined;
  readonly #unknownTokenId: number | undefined;
  readonly #maxChars: number;

  private constructor(parts: {
    modelId: string;
    tokenizer: Model2VecTokenizer;
    embeddings: Float32Array;
    rows: number;
    dimension: number;
    mapping: Int32Array | undefined;
    weights: Float64Array | undefined;
    unknownTokenId: number | undefined;
    normalize: boolean;
    maxTokens: number;
    medianTokenLength: number;
  }) {
    this.modelId = parts.modelId;
    this.#tokenizer = parts.tokenizer;
    this.#embeddings = parts.embeddings;
    this.#rows = parts.rows;
    this.dimension = parts.dimension;
    this.#mapping = parts.mapping;
    this.#weights = parts.weights;
    this.#unknownTokenId = parts.unknownTokenId;
    this.normalize = parts.normalize;
    this.maxTokens = parts.maxTokens;
    // model2vec cuts a long text to max_tokens × the median token length in characters before
    // tokenizing, so a huge document costs no more than the tokens it keeps.
    this.#maxChars = parts.maxTokens * Math.max(1, parts.medianTokenLength);
  }

  /** Loads `config.json`, `tokenizer.json` and `model.safetensors` from `folder` (checked by the caller). */
  static async load(folder: string, options: Model2VecModelOptions): Promise<Model2VecModel> {
    const { modelId } = options;
    const config = await readJson(join(folder, 'config.json'), modelId);
    const tokenizerJson = await readJson(join(folder, 'tokenizer.json'), modelId);
    const tokenizerConfigPath = join(folder, 'tokenizer_config.json');
    const tokenizerConfig = existsSync(tokenizerConfigPath)
      ? await readJson(tokenizerConfigPath, modelId)
      : {};
    let tokenizer: Model2VecTokenizer;
    try {
      tokenizer = new Model2VecTokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new ModelFormatError(
        modelId,
        join(folder, 'tokenizer.json'),
        `cannot be loaded: ${(error as Error).message}`,
      );
    }

    const modelPath = join(folder, 'model.safetensors');
    let tensors: ReadonlyMap<string, SafetensorsTensor>;
    try {
      tensors = parseSafetensors(await readFile(modelPath), modelPath).tensors;
    } catch (error) {
      if (error instanceof SafetensorsFormatError)
        throw new ModelFormatError(modelId, modelPath, `is unreadable: ${error.message}`);
      throw error;
    }
    // Older exports name the table "0" (sentence-transformers' StaticEmbedding module index).
    const table = tensors.get('embeddings') ?? tensors.get('0');
    if (!table) {
      throw new ModelFormatError(
        modelId,
        modelPath,
        `has no 'embeddings' tensor (it holds: ${[...tensors.keys()].join(', ') || 'nothing'}); is this a Model2Vec model?`,
      );
    }
    if (table.shape.length !== 2) {
      throw new ModelFormatError(
        modelId,
        modelPath,
        `'embeddings' has shape ${JSON.stringify(table.shape)}; expected [rows, dim].`,
      );
    }
    const [rows, dimension] = table.shape as [number, number];
    const mappingTensor = tensors.get('mapping');
    const weightsTensor = tensors.get('weights');
    let mapping: Int32Array | undefined;
    if (mappingTensor) {
      try {
        mapping = toInt32(mappingTensor);
      } catch (error) {
        throw new ModelFormatError(modelId, modelPath, `'mapping' ${(error as Error).message}.`);
      }
      const outOfRange = mapping.findIndex((row) => row < 0 || row >= rows);
      if (outOfRange !== -1) {
        throw new ModelFormatError(
          modelId,
          modelPath,
          `'mapping' sends token ${outOfRange} to row ${mapping[outOfRange]}, outside the ${rows} rows of 'embeddings'.`,
        );
      }
    }
    const weights = weightsTensor ? toFloat64(weightsTensor) : undefined;

    const configNormalize = (config as { normalize?: unknown }).normalize;
    return new Model2VecModel({
      modelId,
      tokenizer,
      embeddings: toFloat32(table),
      rows,
      dimension,
      mapping,
      weights,
      unknownTokenId: tokenizer.unknownTokenId,
      normalize: options.normalize ?? (typeof configNormalize === 'boolean' ? configNormalize : true),
      maxTokens: options.maxTokens ?? 512,
      medianTokenLength: medianTokenLength(tokenizer),
    });
  }

  /** The token ids a text is pooled over: no special tokens, no unknown token, at most `maxTokens`. */
  tokenize(text: string): number[] {
    const truncated = text.length > this.#maxChars ? text.slice(0, this.#maxChars) : text;
    const ids = this.#tokenizer.encode(truncated);
    const kept = this.#unknownTokenId === undefined ? ids : ids.filter((id) => id !== this.#unknownTokenId);
    return kept.length > this.maxTokens ? kept.slice(0, this.maxTokens) : kept;
  }

  /**
   * One vector per text, in order. A text with no known token gets the zero vector (as model2vec),
   * which is the one output that is not unit length when `normalize` is on.
   */
  embed(texts: readonly string[]): number[][] {
    return texts.map((text) => this.embedTokens(this.tokenize(text)));
  }

  embedTokens(ids: readonly number[]): number[] {
    const dimension = this.dimension;
    const sum = new Float64Array(dimension);
    let count = 0;
    for (const id of ids) {
      const row = this.#mapping ? this.#mapping[id] : id;
      if (row === undefined || row < 0 || row >= this.#rows) continue;
      const weight = this.#weights?.[id] ?? 1;
      const offset = row * dimension;
      for (let index = 0; index < dimension; index++)
        sum[index]! += this.#embeddings[offset + index]! * weight;
      count++;
    }
    const vector = new Array<number>(dimension);
    let norm = 0;
    for (let index = 0; index < dimension; index++) {
      const mean = count > 0 ? sum[index]! / count : 0;
      vector[index] = mean;
      norm += mean * mean;
    }
    if (this.normalize) {
      const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (let index = 0; index < dimension; index++) vector[index] = vector[index]! * scale;
    }
    return vector;
  }
}

async function readJson(path: string, modelId: string): Promise<object> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as object;
  } catch (error) {
    throw new ModelFormatError(modelId, path, `is not valid JSON: ${(error as Error).message}`);
  }
}

function medianTokenLength(tokenizer: Model2VecTokenizer): number {
  const lengths = [...tokenizer.vocabulary(false).keys()].map((token) => token.length).sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)] ?? 1;
}
