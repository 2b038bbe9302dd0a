import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionRequest, type Model } from '@llama-stack-ts/core';
import { createStack, type DistributionManifestInput } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llamaCppProviderSpec } from '../../src/index.js';
import { writeRandomLoraAdapter } from '../random-lora-adapter.js';
import {
  describeWithModels,
  startProvider,
  type TestProvider,
  testModel,
  testModels,
} from '../test-models.js';

const greedy = (model: string) =>
  CompletionRequest.parse({
    model,
    content: 'Once upon a time',
    max_tokens: 12,
    sampling_params: { strategy: 'greedy' },
  });

describeWithModels('LoRA adapters (metadata.lora_adapters)', [testModels.stories], () => {
  let folder: string;
  let adapterPath: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'llama-cpp-lora-'));
    adapterPath = join(folder, 'adapter.gguf');
    await writeRandomLoraAdapter(testModels.stories, adapterPath, 7);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const tunedModel = (identifier: string, metadata: Record<string, unknown> = {}): Model =>
    testModel(identifier, testModels.stories, {
      metadata: { base_model: 'base', lora_adapters: [{ path: adapterPath, scale: 1 }], ...metadata },
    });

  describe('in the provider', () => {
    let provider: TestProvider;
    beforeAll(async () => {
      provider = await startProvider({ gpu: 'cpu', context_size: 256, parallel_sequences: 1 }, [
        testModel('base', testModels.stories),
      ]);
      await provider.inference.addModel(tunedModel('tuned'));
    });
    afterAll(async () => {
      await provider?.[Symbol.asyncDispose]();
    });

    it('serves the base GGUF plus the adapter: greedy output differs from the base model and repeats', async () => {
      const base = await provider.inference.completion(greedy('base'));
      const tuned = await provider.inference.completion(greedy('tuned'));
      expect(tuned.content).toMatch(/\S/);
      expect(tuned.content).not.toBe(base.content);
      expect((await provider.inference.completion(greedy('tuned'))).content).toBe(tuned.content);
      // Scale 0 applies nothing: the output is the base model's.
      await provider.inference.addModel(
        tunedModel('scaled-to-zero', { lora_adapters: [{ path: adapterPath, scale: 0 }] }),
      );
      expect((await provider.inference.completion(greedy('scaled-to-zero'))).content).toBe(base.content);
    });

    it('loads the base GGUF once for the base model and its fine-tunes', async () => {
      using base = await provider.inference.modelPool.lease('base');
      using tuned = await provider.inference.modelPool.lease('tuned');
      expect(tuned.loaded.model).toBe(base.loaded.model);
      expect(tuned.loaded.context).not.toBe(base.loaded.context);
    });

    it('answers 400 naming metadata.lora_adapters for a malformed list or a missing file', async () => {
      await expect(
        provider.inference.addModel(tunedModel('bad-list', { lora_adapters: { path: adapterPath } })),
      ).rejects.toMatchObject({ status: 400, field: 'metadata.lora_adapters' });
      await expect(
        provider.inference.addModel(
          tunedModel('bad-scale', { lora_adapters: [{ path: adapterPath, scale: 'x' }] }),
        ),
      ).rejects.toMatchObject({ status: 400, field: 'metadata.lora_adapters.0.scale' });
      await expect(
        provider.inference.addModel(
          tunedModel('no-file', { lora_adapters: [{ path: join(folder, 'gone.gguf') }] }),
        ),
      ).rejects.toMatchObject({
        status: 400,
        field: 'metadata.lora_adapters.0.path',
        message: expect.stringMatching(/no LoRA adapter GGUF at .*gone\.gguf/),
      });
      await expect(
        provider.inference.addModel(
          testModel('embedder', testModels.stories, {
            model_type: 'embedding',
            metadata: { lora_adapters: [{ path: adapterPath }] },
          }),
        ),
      ).rejects.toMatchObject({ status: 400, field: 'metadata.lora_adapters' });
    });
  });

  describe('registered at run time in a stack (context.modelRegistrations)', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(folder, 'data-'));
    });
    const quiet = { info() {}, warn() {}, error() {} };
    const manifest = (): DistributionManifestInput => ({
      name: 'lora-serving',
      data_dir: dataDir,
      providers: {
        inference: [
          {
            provider_id: 'llama-cpp',
            provider_type: 'inline::llama-cpp',
            config: { gpu: 'cpu', context_size: 256, parallel_sequences: 1 },
          },
        ],
      },
      models: [{ model_id: 'base', provider_model_id: testModels.stories }],
    });
    const start = () => createStack(manifest(), { providers: [llamaCppProviderSpec], logger: quiet });
    /** What post-training registers for job `job-5678`: the base GGUF plus its adapter. */
    const tunedModel = (): Model => ({
      identifier: 'job-5678',
      provider_id: 'llama-cpp',
      provider_resource_id: testModels.stories,
      model_type: 'llm',
      metadata: {
        base_model: 'base',
        job_uuid: 'job-5678',
        lora_adapters: [{ path: adapterPath, scale: 1 }],
      },
    });

    it('serves the model in the registering process, in another process, and after a restart', async () => {
      const tuned = tunedModel();
      let expected: unknown;
      {
        await using registering = await start();
        await using other = await start();
        expect(await registering.modelRegistrations.register(tuned)).toEqual(tuned);
        const inference = registering.apis.inference;
        const otherInference = other.apis.inference;
        if (!inference || !otherInference) throw new Error('inference not served');
        const base = await inference.completion(greedy('base'));
        expected = (await inference.completion(greedy('job-5678'))).content;
        expect(expected).not.toBe(base.content);
        // The other process learns of it when a request names it.
        expect((await otherInference.completion(greedy('job-5678'))).content).toBe(expected);
        await expect(
          registering.modelRegistrations.register({
            ...tuned,
            metadata: { ...tuned.metadata, job_uuid: 'x' },
          }),
        ).rejects.toMatchObject({ status: 409 });
        await expect(
          registering.modelRegistrations.register({
            ...tuned,
            identifier: 'job-bad',
            metadata: { lora_adapters: [{ scale: 1 }] },
          }),
        ).rejects.toMatchObject({ status: 400, field: 'metadata.lora_adapters.0.path' });
        expect((await other.models.listModels()).data.map((model) => model.identifier)).toEqual([
          'base',
          'job-5678',
        ]);
      }
      await using restarted = await start();
      expect(restarted.models.lookup('job-5678')).toEqual(tuned);
      expect((await restarted.apis.inference?.completion(greedy('job-5678')))?.content).toBe(expected);
    });
  });
});
