import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  type Content,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  NotFoundError,
  type RequestOptions,
} from '@llama-stack-ts/core';
import { model2vecDir } from './test-models.js';

interface TensorInfo {
  dtype: 'F32' | 'F64' | 'I32';
  shape: number[];
  data_offsets: [number, number];
}

/**
 * A real embedder for these tests: the model2vec model in shared/models (vocabulary-quantized,
 * distilled from bge-base-en-v1.5), encoded by the model2vec rule of SOURCES.md. It serves the one
 * Inference method this provider calls, under the model id `model2vec-test`, and records every
 * call, so tests can see what was embedded. `failWhen` makes a call fail (to test that a failed
 * embedding leaves a bank untouched).
 */
export class Model2vecTestEmbedder {
  static readonly modelId = 'model2vec-test';
  readonly calls: string[][] = [];
  failWhen: ((text: string) => boolean) | undefined;

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly table: Float32Array,
    private readonly mapping: Int32Array,
    private readonly weights: Float64Array,
    readonly dimension: number,
  ) {}

  static async load(directory = model2vecDir): Promise<Model2vecTestEmbedder> {
    const tokenizerJson = JSON.parse(await readFile(join(directory, 'tokenizer.json'), 'utf8'));
    const file = await readFile(join(directory, 'model.safetensors'));
    const headerLength = Number(file.readBigUInt64LE(0));
    const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<
      string,
      TensorInfo
    >;
    const tensor = (name: string) => {
      const info = header[name];
      if (!info) throw new Error(`model.safetensors has no tensor '${name}'`);
      const [start, end] = info.data_offsets;
      // Copied into an aligned buffer: the typed array views need their element alignment.
      const bytes = new Uint8Array(file.subarray(8 + headerLength + start, 8 + headerLength + end)).buffer;
      return { info, bytes };
    };
    const embeddings = tensor('embeddings');
    return new Model2vecTestEmbedder(
      new Tokenizer(tokenizerJson, {}),
      new Float32Array(embeddings.bytes),
      new Int32Array(tensor('mapping').bytes),
      new Float64Array(tensor('weights').bytes),
      embeddings.info.shape[1]!,
    );
  }

  async embeddings(request: EmbeddingsRequest, options: RequestOptions = {}): Promise<EmbeddingsResponse> {
    options.signal?.throwIfAborted();
    if (request.model !== Model2vecTestEmbedder.modelId) {
      throw new NotFoundError(
        'model',
        request.model,
        `Register it under models: (this test serves '${Model2vecTestEmbedder.modelId}').`,
      );
    }
    const texts = request.contents.map(contentText);
    this.calls.push(texts);
    const failing = texts.find((text) => this.failWhen?.(text));
    if (failing !== undefined) throw new Error(`embedding failed on purpose for '${failing.slice(0, 40)}'`);
    return { embeddings: texts.map((text) => this.embed(text)) };
  }

  /** Every text embedded so far, in order. */
  get embeddedTexts(): string[] {
    return this.calls.flat();
  }

  private embed(text: string): number[] {
    const { ids } = this.tokenizer.encode(text, { add_special_tokens: false });
    const sum = new Float64Array(this.dimension);
    let count = 0;
    for (const id of ids) {
      if (id === 1) continue; // [UNK]
      const row = this.mapping[id]!;
      const weight = this.weights[id]!;
      for (let column = 0; column < this.dimension; column += 1) {
        sum[column]! += this.table[row * this.dimension + column]! * weight;
      }
      count += 1;
    }
    const mean = Array.from(sum, (value) => (count > 0 ? value / count : 0));
    const norm = Math.hypot(...mean);
    return mean.map((value) => (norm > 0 ? value / norm : 0));
  }
}

function contentText(content: Content): string {
  const parts = Array.isArray(content) ? content : [content];
  return parts.filter((part): part is string => typeof part === 'string').join(' ');
}
