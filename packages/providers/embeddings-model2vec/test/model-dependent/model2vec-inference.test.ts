import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderInstance } from '@llama-stack-ts/core';
import { ModelFilesMissingError } from '@llama-stack-ts/provider-utils/models';
import {
  cosineSimilarity,
  describeEmbeddingProviderContract,
  describeWithModels,
  embeddingProviderTestKit,
  expectVectorsClose,
  testModelsDir,
  vectorNorm,
} from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model2VecInference } from '../../src/model2vec-inference.js';
import { Model2VecModel } from '../../src/model2vec-model.js';
import { model2VecProviderSpec } from '../../src/model2vec-provider-spec.js';
import { parseSafetensors, toFloat32, toFloat64, toInt32 } from '../../src/read-safetensors.js';

const modelFolder = join(testModelsDir, 'minishlab/test-model-vocab-quantized');
const modelFiles = [join(modelFolder, 'model.safetensors')];

const kit = embeddingProviderTestKit<Model2VecInference>(model2VecProviderSpec, 'model2vec');
const { embeddingModel, startProvider } = kit;

describeEmbeddingProviderContract(kit, {
  providerType: 'inline::model2vec',
  modelFolder,
  modelFiles,
  dimension: 64,
});

describeWithModels('inline::model2vec on minishlab/test-model-vocab-quantized', modelFiles, () => {
  const folder = modelFolder;
  const model = embeddingModel('potion-test', folder);
  let instance: ProviderInstance<Model2VecInference>;
  let inference: Model2VecInference;

  beforeAll(async () => {
    ({ instance, inference } = await startProvider([model]));
  });
  afterAll(async () => {
    await instance?.dispose?.();
  });

  const embed = async (contents: string[]) =>
    (await inference.embeddings({ model: 'potion-test', contents })).embeddings;

  it('returns one 64-dimensional unit vector per text, in order', async () => {
    const texts = ['The cat sat on the mat.', 'Stock markets fell sharply today.', 'a'];
    const vectors = await embed(texts);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(64);
      expect(vectorNorm(vector)).toBeCloseTo(1, 10);
    }
    expect(vectors[0]).not.toEqual(vectors[1]);
  });

  it('gives the same vectors batched as one by one, and on every call', async () => {
    const texts = ['It is sunny and warm outside.', 'A bright, hot day.', 'The database returned an error.'];
    const batched = await embed(texts);
    const single = await Promise.all(texts.map(async (text) => (await embed([text]))[0]));
    expect(batched).toEqual(single);
    expect(await embed(texts)).toEqual(batched);
    const second = await startProvider([embeddingModel('potion-test', folder)]);
    expect((await second.inference.embeddings({ model: 'potion-test', contents: texts })).embeddings).toEqual(
      batched,
    );
    await second.instance.dispose?.();
  });

  describe('follows the model2vec rule of SOURCES.md on a hand-computed example', () => {
    // From model.safetensors: embeddings F32 [128, 64], mapping I32 [29524], weights F64 [29524].
    let table: Float32Array;
    let mapping: Int32Array;
    let weights: Float64Array;
    beforeAll(() => {
      const { tensors } = parseSafetensors(readFileSync(join(folder, 'model.safetensors')));
      table = toFloat32(tensors.get('embeddings')!);
      mapping = toInt32(tensors.get('mapping')!);
      weights = toFloat64(tensors.get('weights')!);
    });
    const row = (index: number) => Array.from(table.subarray(index * 64, index * 64 + 64));
    const unit = (vector: number[]) => vector.map((value) => value / vectorNorm(vector));

    it('tokenizes without special tokens: "cat mat" is ▁cat (3939) and ▁mat (12525)', async () => {
      const loaded = await Model2VecModel.load(folder, { modelId: 'potion-test' });
      expect(loaded.tokenize('The cat sat on the mat.')).toEqual([999, 3939, 1940, 1009, 999, 12525, 15]);
      expect(loaded.tokenize('cat mat')).toEqual([3939, 12525]);
      expect(loaded.tokenize('cat ☃')).toEqual([3939]);
      expect(mapping[3939]).toBe(52);
      expect(mapping[12525]).toBe(63);
      expect(weights[3939]).toBeCloseTo(0.795495, 6);
      expect(weights[12525]).toBeCloseTo(0.925175, 6);
    });

    it('one token: "cat" is row mapping[3939] = 52, normalized (its weight cancels)', async () => {
      const [cat] = await embed(['cat']);
      const expected = unit(row(52));
      expectVectorsClose(cat, expected, 6);
    });

    it('two tokens: "cat mat" is the weighted mean of rows 52 and 63, normalized', async () => {
      const [catMat] = await embed(['cat mat']);
      const mean = row(52).map(
        (value, index) => (value * weights[3939]! + row(63)[index]! * weights[12525]!) / 2,
      );
      const expected = unit(mean);
      expectVectorsClose(catMat, expected, 6);
      // The weights matter: the unweighted mean is a different vector.
      const unweighted = unit(row(52).map((value, index) => (value + row(63)[index]!) / 2));
      expect(
        Math.max(...catMat!.map((value, index) => Math.abs(value - unweighted[index]!))),
      ).toBeGreaterThan(1e-3);
    });

    it('drops the unknown token: "cat ☃" (☃ is [UNK], id 1) equals "cat"', async () => {
      const [cat, catSnowman] = await embed(['cat', 'cat ☃']);
      expect(catSnowman).toEqual(cat);
      // Were [UNK] pooled, row mapping[1] = 108 with weight ~0.003 would shift the vector.
      expect(mapping[1]).toBe(108);
    });
  });

  it('scores related sentences above unrelated ones (a real, if coarse, model)', async () => {
    const [sunny, hot, database] = await embed([
      'It is sunny and warm outside.',
      'A bright, hot day.',
      'The database returned an error.',
    ]);
    expect(cosineSimilarity(sunny!, hot!)).toBeGreaterThan(cosineSimilarity(sunny!, database!) + 0.3);
  });

  it('gives a text with no known token the zero vector, as model2vec does', async () => {
    const [empty] = await embed(['']);
    expect(empty).toEqual(new Array(64).fill(0));
  });

  it('accepts interleaved content and text data: URLs, rejects images naming the item', async () => {
    const [interleaved, plain] = (
      await inference.embeddings({ model: 'potion-test', contents: [['cat', 'mat'], 'cat mat'] })
    ).embeddings;
    expect(interleaved).toEqual(plain);
    await expect(
      inference.embeddings({
        model: 'potion-test',
        contents: ['ok', { url: 'https://example.com/a.png', mime_type: 'image/png' }],
      }),
    ).rejects.toThrow(/^contents\[1\]: an attachment/);
  });

  it('fills embedding_dimension of a model registered after start-up, honouring metadata.normalize', async () => {
    const late = embeddingModel('potion-raw', folder, { normalize: false });
    await instance.registerModel?.(late);
    expect(late.metadata.embedding_dimension).toBe(64);
    const [raw] = (await inference.embeddings({ model: 'potion-raw', contents: ['cat mat'] })).embeddings;
    expect(Math.abs(vectorNorm(raw!) - 1)).toBeGreaterThan(1e-3);
    const [normalized] = await embed(['cat mat']);
    expectVectorsClose(
      raw!.map((value) => value / vectorNorm(raw!)),
      normalized!,
      10,
    );
  });
});

describeWithModels('inline::model2vec errors name what is missing and how to fix it', modelFiles, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'model2vec-errors-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('an unknown model folder', async () => {
    const missing = join(scratch, 'no-such-model');
    const start = startProvider([embeddingModel('ghost', missing)]);
    await expect(start).rejects.toBeInstanceOf(ModelFilesMissingError);
    await expect(start).rejects.toThrow(
      `Embedding model 'ghost': the folder ${missing} does not exist; it is missing config.json, tokenizer.json, model.safetensors.`,
    );
    await expect(start).rejects.toThrow(
      /Check provider_model_id .* or set provider_model_id to a hub id such as hf:minishlab\/potion-base-8M/,
    );
  });

  it('a folder without its weights', async () => {
    const partial = join(scratch, 'partial');
    cpSync(modelFolder, partial, { recursive: true });
    rmSync(join(partial, 'model.safetensors'));
    await expect(startProvider([embeddingModel('partial', partial)])).rejects.toThrow(
      `Embedding model 'partial': ${partial} is missing model.safetensors. A Model2Vec model folder holds config.json, tokenizer.json, model.safetensors. Copy the missing files in,`,
    );
  });

  it('a hub model not in the cache while downloads are off', async () => {
    const start = startProvider([embeddingModel('potion', 'hf:minishlab/potion-base-8M')], {
      model_cache_dir: scratch,
      allow_remote_models: false,
    });
    await expect(start).rejects.toThrow(
      `Embedding model 'potion': the model cache ${join(scratch, 'minishlab/potion-base-8M')} is missing config.json, tokenizer.json, model.safetensors. Downloads are off (allow_remote_models: false)`,
    );
  });

  it('a model file that is not a Model2Vec model', async () => {
    const wrong = join(scratch, 'wrong');
    cpSync(modelFolder, wrong, { recursive: true });
    const header = new TextEncoder().encode(
      JSON.stringify({ weight: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }),
    );
    const file = new Uint8Array(8 + header.length + 4);
    new DataView(file.buffer).setBigUint64(0, BigInt(header.length), true);
    file.set(header, 8);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(wrong, 'model.safetensors'), file);
    await expect(startProvider([embeddingModel('wrong', wrong)])).rejects.toThrow(
      /has no 'embeddings' tensor \(it holds: weight\); is this a Model2Vec model\?/,
    );
  });

  it('a lazy provider reports a missing folder on the first request, and retries after a fix', async () => {
    const later = join(scratch, 'later');
    const { inference, instance } = await startProvider([embeddingModel('later', later)], { preload: false });
    await expect(inference.embeddings({ model: 'later', contents: ['a'] })).rejects.toBeInstanceOf(
      ModelFilesMissingError,
    );
    cpSync(modelFolder, later, { recursive: true });
    const { embeddings } = await inference.embeddings({ model: 'later', contents: ['a'] });
    expect(embeddings[0]).toHaveLength(64);
    await instance.dispose?.();
  });
});
