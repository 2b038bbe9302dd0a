import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '@llama-stack-ts/core';
import { ModelDownloadError } from '@llama-stack-ts/provider-utils/models';
import {
  describeWithModels,
  type LoopbackHub,
  RecordingLogger,
  startLoopbackHub,
  testModelsDir,
} from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TransformersConfig } from '../../src/transformers-config.js';
import { TransformersInference } from '../../src/transformers-inference.js';

const modelFolder = join(testModelsDir, 'synthetic/tiny-random-bert-embedder');
const modelFiles = [join(modelFolder, 'onnx/model_quantized.onnx')];
const repoId = 'test-org/tiny-random-bert-embedder';

const hubModel = (identifier = 'tiny-hub', reference = `hf:${repoId}`): Model => ({
  identifier,
  provider_id: 'transformers',
  provider_resource_id: reference,
  model_type: 'embedding',
  metadata: {},
});

describeWithModels(
  'inline::transformers downloads a hub model on first use (transformers.js hub loading)',
  modelFiles,
  () => {
    let hub: LoopbackHub;
    const cacheDir = mkdtempSync(join(tmpdir(), 'transformers-cache-'));

    beforeAll(async () => {
      hub = await startLoopbackHub({ repoId, folder: modelFolder });
    });
    afterAll(async () => {
      await hub.close();
      rmSync(cacheDir, { recursive: true, force: true });
    });

    it('fetches the files with a progress bar into the cache, then serves them like the local folder', async () => {
      const progress: string[] = [];
      const model = hubModel();
      const inference = new TransformersInference({
        config: TransformersConfig.parse({ hub_url: hub.url, model_cache_dir: cacheDir }),
        logger: new RecordingLogger(),
        progressStream: { isTTY: false, write: (text: string) => progress.push(text) },
      });
      await inference.addModel(model);
      expect(model.metadata.embedding_dimension).toBe(32);
      const fetched = hub.requests.map((url) => url.slice(`/${repoId}/resolve/main/`.length));
      expect(fetched).toEqual(
        expect.arrayContaining([
          'config.json',
          'tokenizer.json',
          'tokenizer_config.json',
          'onnx/model_quantized.onnx',
        ]),
      );
      // The optional sentence-transformers files were asked for once; their absence is remembered.
      expect(fetched).toEqual(expect.arrayContaining(['1_Pooling/config.json', 'sentence_bert_config.json']));
      const cached = join(cacheDir, repoId);
      expect(statSync(join(cached, 'onnx/model_quantized.onnx')).size).toBe(3_907_722);
      expect(existsSync(join(cached, '.absent/1_Pooling/config.json'))).toBe(true);
      expect(progress).toContain(
        `Downloading ${repoId} onnx/model_quantized.onnx [########################] 100% 3.7 MB/3.7 MB\n`,
      );

      const local = new TransformersInference({ config: TransformersConfig.parse({}) });
      await local.addModel(hubModel('tiny-local', modelFolder));
      const contents = ['the cat sat on the mat', 'hello'];
      expect((await inference.embeddings({ model: 'tiny-hub', contents })).embeddings).toEqual(
        (await local.embeddings({ model: 'tiny-local', contents })).embeddings,
      );
      await inference.dispose();
      await local.dispose();
    });

    it('uses the cache afterwards without a request, even with downloads off', async () => {
      const before = hub.requests.length;
      const progress: string[] = [];
      for (const allow_remote_models of [true, false]) {
        const inference = new TransformersInference({
          config: TransformersConfig.parse({
            hub_url: hub.url,
            model_cache_dir: cacheDir,
            allow_remote_models,
          }),
          progressStream: { isTTY: false, write: (text: string) => progress.push(text) },
        });
        await inference.addModel(hubModel());
        expect(await inference.embeddingDimension({ model: 'tiny-hub' })).toBe(32);
        await inference.dispose();
      }
      expect(hub.requests.length).toBe(before);
      expect(progress).toEqual([]);
    });

    it('reports a repository the hub does not have as a download error naming the URL', async () => {
      const inference = new TransformersInference({
        config: TransformersConfig.parse({
          hub_url: hub.url,
          model_cache_dir: cacheDir,
          show_progress: false,
        }),
      });
      const start = inference.addModel(hubModel('ghost', 'hf:test-org/no-such-model'));
      await expect(start).rejects.toBeInstanceOf(ModelDownloadError);
      await expect(start).rejects.toThrow(
        new RegExp(
          `^Cannot download ${hub.url}/test-org/no-such-model/resolve/main/\\S+ \\(model 'test-org/no-such-model'\\)`,
        ),
      );
      await inference.dispose();
    });

    it('reports an unreachable hub as retryable', async () => {
      const inference = new TransformersInference({
        config: TransformersConfig.parse({
          hub_url: 'http://127.0.0.1:9',
          model_cache_dir: cacheDir,
          show_progress: false,
        }),
      });
      const start = inference.addModel(hubModel('offline', 'hf:test-org/other-model'));
      await expect(start).rejects.toThrow(
        /Cannot download http:\/\/127.0.0.1:9\/test-org\/other-model\/resolve\/main\//,
      );
      await start.catch((error: ModelDownloadError) => expect(error.isRetryable).toBe(true));
      await inference.dispose();
    });
  },
);
