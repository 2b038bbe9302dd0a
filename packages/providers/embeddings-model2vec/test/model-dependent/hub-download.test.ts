import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model, ProviderInstance } from '@llama-stack-ts/core';
import { downloadHubFiles, ModelDownloadError } from '@llama-stack-ts/provider-utils/models';
import {
  describeWithModels,
  type LoopbackHub,
  RecordingLogger,
  startLoopbackHub,
  testModelsDir,
} from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Model2VecInference } from '../../src/model2vec-inference.js';
import { model2VecProviderSpec } from '../../src/model2vec-provider-spec.js';

const modelFolder = join(testModelsDir, 'minishlab/test-model-vocab-quantized');
const modelFiles = [join(modelFolder, 'model.safetensors')];

describeWithModels('inline::model2vec downloads a hub model on first use', modelFiles, () => {
  let hub: LoopbackHub;
  const cacheDir = mkdtempSync(join(tmpdir(), 'model2vec-cache-'));

  beforeAll(async () => {
    hub = await startLoopbackHub({ repoId: 'minishlab/test-model-vocab-quantized', folder: modelFolder });
  });
  afterAll(async () => {
    await hub.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const hubModel = (): Model => ({
    identifier: 'potion-hub',
    provider_id: 'model2vec',
    provider_resource_id: 'hf:minishlab/test-model-vocab-quantized',
    model_type: 'embedding',
    metadata: {},
  });

  it('fetches the three files with a progress bar into the cache, then serves them like the local folder', async () => {
    const progress: string[] = [];
    const model = hubModel();
    const inference = new Model2VecInference({
      config: model2VecProviderSpec.configSchema.parse({ hub_url: hub.url, model_cache_dir: cacheDir }),
      logger: new RecordingLogger(),
      progressStream: { isTTY: false, write: (text: string) => progress.push(text) },
    });
    await inference.addModel(model);
    expect(model.metadata.embedding_dimension).toBe(64);
    expect(hub.requests.sort()).toEqual(
      ['config.json', 'model.safetensors', 'tokenizer.json'].map(
        (file) => `/minishlab/test-model-vocab-quantized/resolve/main/${file}`,
      ),
    );
    for (const file of ['config.json', 'tokenizer.json', 'model.safetensors']) {
      expect(statSync(join(cacheDir, 'minishlab/test-model-vocab-quantized', file)).size).toBe(
        statSync(join(modelFolder, file)).size,
      );
    }
    expect(progress).toContain(
      'Downloading minishlab/test-model-vocab-quantized model.safetensors [########################] 100% 378.2 KB/378.2 KB\n',
    );

    const local = new Model2VecInference({ config: model2VecProviderSpec.configSchema.parse({}) });
    await local.addModel({ ...hubModel(), identifier: 'potion-local', provider_resource_id: modelFolder });
    const contents = ['The cat sat on the mat.', 'A bright, hot day.'];
    expect((await inference.embeddings({ model: 'potion-hub', contents })).embeddings).toEqual(
      (await local.embeddings({ model: 'potion-local', contents })).embeddings,
    );
    await inference.dispose();
    await local.dispose();
  });

  it('uses the cache afterwards, even with downloads off', async () => {
    const before = hub.requests.length;
    const instance = (await model2VecProviderSpec.create(
      model2VecProviderSpec.configSchema.parse({
        hub_url: hub.url,
        model_cache_dir: cacheDir,
        allow_remote_models: false,
      }),
      {
        providerId: 'model2vec',
        dataDir: cacheDir,
        deps: {},
        models: [hubModel()],
        logger: new RecordingLogger(),
      },
    )) as ProviderInstance<Model2VecInference>;
    expect(hub.requests.length).toBe(before);
    expect(await instance.implementation.embeddingDimension({ model: 'potion-hub' })).toBe(64);
    await instance.dispose?.();
  });

  it('reports a missing repository with the URL, the status and the offline fix', async () => {
    const download = downloadHubFiles({
      repoId: 'minishlab/no-such-model',
      revision: 'main',
      files: ['config.json'],
      hubUrl: hub.url,
      cacheDir,
      progressStream: null,
    });
    await expect(download).rejects.toBeInstanceOf(ModelDownloadError);
    await expect(download).rejects.toThrow(
      `Cannot download ${hub.url}/minishlab/no-such-model/resolve/main/config.json (model 'minishlab/no-such-model'): HTTP 404 Not Found (no such model or file).`,
    );
    expect(existsSync(join(cacheDir, 'minishlab/no-such-model/config.json'))).toBe(false);
  });

  it('reports an unreachable hub as retryable', async () => {
    const download = downloadHubFiles({
      repoId: 'minishlab/test-model-vocab-quantized',
      revision: 'v9',
      files: ['config.json'],
      hubUrl: 'http://127.0.0.1:9',
      cacheDir,
      progressStream: null,
    });
    await expect(download).rejects.toThrow(
      /Cannot download http:\/\/127.0.0.1:9\/.*Check the network and the model id/,
    );
    await download.catch((error: ModelDownloadError) => expect(error.isRetryable).toBe(true));
  });
});
