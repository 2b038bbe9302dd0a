import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRequestError, type ProviderInstance } from '@llama-stack-ts/core';
import { ModelFilesMissingError } from '@llama-stack-ts/provider-utils/models';
import {
  cosineSimilarity,
  describeEmbeddingProviderContract,
  describeWithModels,
  embeddingProviderTestKit,
  expectVectorsClose,
  type RecordingLogger,
  testModelsDir,
  vectorNorm,
} from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TransformersInference } from '../../src/transformers-inference.js';
import { transformersProviderSpec } from '../../src/transformers-provider-spec.js';

// Random weights over the real all-MiniLM WordPiece vocabulary: it proves the wiring, not meaning.
const modelFolder = join(testModelsDir, 'synthetic/tiny-random-bert-embedder');
const modelFiles = [join(modelFolder, 'onnx/model_quantized.onnx')];
/** Tokenizer only, no ONNX weights: a folder the provider must refuse. */
const minilm = join(testModelsDir, 'Xenova/all-MiniLM-L6-v2');
const errorFiles = [...modelFiles, join(minilm, 'tokenizer.json')];

const kit = embeddingProviderTestKit<TransformersInference>(transformersProviderSpec, 'transformers');
const { embeddingModel, startProvider } = kit;

describeEmbeddingProviderContract(kit, {
  providerType: 'inline::transformers',
  modelFolder,
  modelFiles,
  dimension: 32,
});

describeWithModels('inline::transformers on synthetic/tiny-random-bert-embedder', modelFiles, () => {
  const folder = modelFolder;
  const model = embeddingModel('tiny-bert', folder);
  let instance: ProviderInstance<TransformersInference>;
  let inference: TransformersInference;
  let logger: RecordingLogger;

  beforeAll(async () => {
    // A batch size of 2 makes a five-text request take three forward passes.
    ({ instance, inference, logger } = await startProvider([model], { max_batch_size: 2 }));
  });
  afterAll(async () => {
    await instance?.dispose?.();
  });

  const embed = async (contents: string[], identifier = 'tiny-bert') =>
    (await inference.embeddings({ model: identifier, contents })).embeddings;

  it('logs the loaded model', () => {
    expect(
      logger.lines.some(
        (line) => line.level === 'info' && line.message.startsWith("loaded embedding model 'tiny-bert'"),
      ),
    ).toBe(true);
  });

  it('returns one 32-dimensional unit vector per text, in order', async () => {
    const vectors = await embed([
      'the cat sat on the mat',
      'hello',
      'a much longer sentence about many things',
    ]);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(32);
      expect(vectorNorm(vector)).toBeCloseTo(1, 5);
    }
    expect(vectors[0]).not.toEqual(vectors[1]);
  });

  it('gives the same vectors batched (three padded passes, sorted by length) as one by one', async () => {
    const texts = [
      'short',
      'a somewhat longer text here',
      'mid length text',
      'x',
      'the longest text of them all, by far',
    ];
    const batched = await embed(texts);
    for (const [index, text] of texts.entries()) {
      const [single] = await embed([text]);
      expectVectorsClose(batched[index], single!, 5);
    }
  });

  it("gives transformers.js' own feature-extraction pipeline's vectors", async () => {
    const { pipeline } = await import('@huggingface/transformers');
    const extractor = await pipeline('feature-extraction', folder, { dtype: 'q8', local_files_only: true });
    const texts = [
      'The cat sat on the mat; the cat sat again, and again.',
      'Unaffable naïveté: ¿qué? 東京 ☃ zzzqqqxxx',
      'the the the the',
      'word '.repeat(600),
    ];
    const expected = (await extractor(texts, { pooling: 'mean', normalize: true })).tolist() as number[][];
    await extractor.dispose();
    // Twice: the second pass tokenizes from the provider's cache of word pieces.
    for (let pass = 0; pass < 2; pass++) {
      for (const [index, vector] of (await embed(texts)).entries()) {
        expectVectorsClose(vector, expected[index]!, 5);
      }
    }
  });

  it('lets a short request through between the batches of a long one', async () => {
    const finished: string[] = [];
    const long = embed(Array.from({ length: 40 }, (_, index) => `ingest text number ${index}`)).then(() =>
      finished.push('long'),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const short = embed(['a query']).then(() => finished.push('short'));
    await Promise.all([long, short]);
    expect(finished).toEqual(['short', 'long']);
  });

  it('is deterministic across calls and across provider instances', async () => {
    const texts = ['determinism', 'the cat sat on the mat'];
    const first = await embed(texts);
    expect(await embed(texts)).toEqual(first);
    const other = await startProvider([embeddingModel('tiny-bert', folder)]);
    const again = (await other.inference.embeddings({ model: 'tiny-bert', contents: texts })).embeddings;
    for (const [index, vector] of again.entries()) expectVectorsClose(vector, first[index]!, 6);
    await other.instance.dispose?.();
  });

  it('mean-pools as all-MiniLM does: the cosines SOURCES.md measured with transformers.js v2', async () => {
    const [mat, aMat, physics] = await embed([
      'the cat sat on the mat',
      'the cat sat on a mat',
      'quantum chromodynamics',
    ]);
    expect(cosineSimilarity(mat!, aMat!)).toBeCloseTo(0.936, 2);
    expect(cosineSimilarity(mat!, physics!)).toBeCloseTo(0.371, 2);
  });

  it('follows metadata.pooling and metadata.normalize', async () => {
    // In this graph a token's vector depends on its id alone, so [CLS] pooling gives every text the same vector.
    const cls = embeddingModel('tiny-bert-cls', folder, { pooling: 'cls' });
    const raw = embeddingModel('tiny-bert-raw', folder, { normalize: false });
    await instance.registerModel?.(cls);
    await instance.registerModel?.(raw);
    expect(cls.metadata.embedding_dimension).toBe(32);
    const [first, second] = await embed(['the cat', 'quantum chromodynamics'], 'tiny-bert-cls');
    expectVectorsClose(first, second!, 6);
    const [unnormalized] = await embed(['the cat'], 'tiny-bert-raw');
    const [normalized] = await embed(['the cat']);
    expect(Math.abs(vectorNorm(unnormalized!) - 1)).toBeGreaterThan(1e-3);
    expectVectorsClose(
      unnormalized!.map((value) => value / vectorNorm(unnormalized!)),
      normalized!,
      5,
    );
  });

  it('loads the fp32 weights when asked (identical to q8 in this fixture)', async () => {
    const fp32 = embeddingModel('tiny-bert-fp32', folder, { dtype: 'fp32' });
    await instance.registerModel?.(fp32);
    expectVectorsClose((await embed(['dtype'], 'tiny-bert-fp32'))[0], (await embed(['dtype']))[0]!, 6);
  });

  it('accepts interleaved content, rejects images naming the item', async () => {
    const [interleaved] = (await inference.embeddings({ model: 'tiny-bert', contents: [['the', 'cat']] }))
      .embeddings;
    expectVectorsClose(interleaved, (await embed(['the cat']))[0]!, 6);
    await expect(
      inference.embeddings({
        model: 'tiny-bert',
        contents: [{ url: 'https://example.com/a.png', mime_type: 'image/png' }],
      }),
    ).rejects.toThrow(/^contents\[0\]: an attachment/);
  });
});

describeWithModels('inline::transformers errors name what is missing and how to fix it', errorFiles, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'transformers-errors-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('an unknown model folder', async () => {
    const missing = join(scratch, 'no-such-model');
    const start = startProvider([embeddingModel('ghost', missing)]);
    await expect(start).rejects.toBeInstanceOf(ModelFilesMissingError);
    await expect(start).rejects.toThrow(
      `Embedding model 'ghost': the folder ${missing} does not exist; it is missing config.json, tokenizer.json, onnx/model_quantized.onnx.`,
    );
    await expect(start).rejects.toThrow(
      /or set provider_model_id to a hub id such as hf:Xenova\/all-MiniLM-L6-v2/,
    );
  });

  it('a folder without the weights of the configured dtype, naming the dtype it does have', async () => {
    const fp32Only = join(scratch, 'fp32-only');
    cpSync(modelFolder, fp32Only, { recursive: true });
    rmSync(join(fp32Only, 'onnx/model_quantized.onnx'));
    await expect(startProvider([embeddingModel('fp32-only', fp32Only)])).rejects.toThrow(
      `Embedding model 'fp32-only': ${fp32Only} is missing onnx/model_quantized.onnx. The folder has onnx/model.onnx (dtype fp32): set metadata.dtype: fp32 on the model, or dtype in the provider config.`,
    );
    const { instance } = await startProvider([embeddingModel('fp32-only', fp32Only, { dtype: 'fp32' })]);
    await instance.dispose?.();
  });

  it('the shared Xenova/all-MiniLM-L6-v2 folder, which has the tokenizer but no ONNX weights', async () => {
    await expect(startProvider([embeddingModel('minilm', minilm)])).rejects.toThrow(
      `Embedding model 'minilm': ${minilm} is missing onnx/model_quantized.onnx. A transformers.js model folder holds`,
    );
  });

  it('a hub model not in the cache while downloads are off', async () => {
    await expect(
      startProvider([embeddingModel('minilm', 'hf:Xenova/all-MiniLM-L6-v2')], {
        model_cache_dir: scratch,
        allow_remote_models: false,
      }),
    ).rejects.toThrow(
      `Embedding model 'minilm': the model cache ${join(scratch, 'Xenova/all-MiniLM-L6-v2')} is missing config.json, tokenizer.json, onnx/model_quantized.onnx. Downloads are off (allow_remote_models: false)`,
    );
  });

  it('a model file that is not an ONNX graph', async () => {
    const broken = join(scratch, 'broken');
    cpSync(modelFolder, broken, { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(broken, 'onnx/model_quantized.onnx'), 'not a protobuf');
    await expect(startProvider([embeddingModel('broken', broken)])).rejects.toThrow(
      `Embedding model 'broken' (${broken}) cannot be loaded:`,
    );
  });

  it('bad metadata', async () => {
    await expect(startProvider([embeddingModel('p', modelFolder, { pooling: 'median' })])).rejects.toThrow(
      'metadata.pooling: model \'p\' has pooling "median"; use one of mean, cls, max, last_token, mean_sqrt_len.',
    );
    await expect(startProvider([embeddingModel('d', modelFolder, { dtype: 'fp8' })])).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });
});
