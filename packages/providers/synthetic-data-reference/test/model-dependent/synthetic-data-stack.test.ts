import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Datasets,
  type SyntheticDataGeneration,
  SyntheticDataGenerationRequest,
  type SyntheticDataGenerationRequestInput,
} from '@llama-stack-ts/core';
import { createTestPrefix, type TestPrefix, testRedisUrl } from '@llama-stack-ts/jobs/test';
import { localFsDatasetsProviderSpec } from '@llama-stack-ts/provider-datasets-localfs';
import { llamaCppProviderSpec } from '@llama-stack-ts/provider-inference-llama-cpp';
import { llmJudgeProviderSpec } from '@llama-stack-ts/provider-reward-scoring-llm-judge';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { createStack, type ResolvedStack, silentLogger } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticDataReferenceProviderSpec } from '../../src/index.js';

const stories = join(testModelsDir, 'stories260K.gguf');
const prompts = ['Tell me a story about a cat.', 'Tell me a story about a dog.', 'Once upon a time'].map(
  (content) => ({ role: 'user' as const, content }),
);

describeWithModels('inline::reference (synthetic data) on stories260K, judged by itself', [stories], () => {
  let dataDir: string;
  let keys: TestPrefix;
  let stack: ResolvedStack;
  let sdg: Required<SyntheticDataGeneration>;
  const generate = (request: SyntheticDataGenerationRequestInput) =>
    sdg.generate(SyntheticDataGenerationRequest.parse(request));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sdg-stack-'));
    keys = createTestPrefix();
    stack = await createStack(
      {
        name: 'sdg-test',
        data_dir: dataDir,
        providers: {
          inference: [
            {
              provider_id: 'llama-cpp',
              provider_type: 'inline::llama-cpp',
              config: {
                gpu: 'cpu',
                model_dir: testModelsDir,
                context_size: 1024,
                threads: 1,
                parallel_sequences: 2,
              },
            },
          ],
          reward_scoring: [{ provider_id: 'llm-judge', provider_type: 'inline::llm-judge', config: {} }],
          datasets: [{ provider_id: 'datasets', provider_type: 'inline::localfs', config: {} }],
          synthetic_data_generation: [
            {
              provider_id: 'sdg',
              provider_type: 'inline::reference',
              config: {
                generation_model: 'stories',
                reward_model: 'judge',
                max_tokens: 24,
                max_candidates_in_request: 8,
              },
            },
          ],
        },
        models: [
          { model_id: 'stories', provider_model_id: 'stories260K.gguf' },
          { model_id: 'judge', provider_id: 'llm-judge', provider_model_id: 'stories', model_type: 'reward' },
        ],
        jobs: { redis_url: testRedisUrl, prefix: keys.prefix },
      },
      {
        providers: [
          llamaCppProviderSpec,
          llmJudgeProviderSpec,
          localFsDatasetsProviderSpec,
          syntheticDataReferenceProviderSpec,
        ],
        logger: silentLogger,
      },
    );
    stack.startWorkers();
    sdg = stack.apis.synthetic_data_generation as Required<SyntheticDataGeneration>;
  });
  afterAll(async () => {
    await stack?.dispose();
    await keys?.[Symbol.asyncDispose]();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('generates k candidates per prompt, scores them in range, keeps top_k, and reports the statistics', async () => {
    const response = await generate({
      prompts,
      filtering_function: 'top_k',
      options: { k: 2, top_k: 1, seed: 5 },
    });
    expect(response.job).toBeUndefined();
    expect(response.synthetic_data.map((prompt) => prompt.prompt.content)).toEqual(
      prompts.map((p) => p.content),
    );
    for (const prompt of response.synthetic_data) {
      expect(prompt.k_scored_generations).toHaveLength(1);
      const [kept] = prompt.k_scored_generations;
      expect(kept?.message.role).toBe('assistant');
      expect(kept?.score).toBeGreaterThanOrEqual(1);
      expect(kept?.score).toBeLessThanOrEqual(5);
    }
    const statistics = response.statistics;
    expect(statistics).toMatchObject({ prompts: 3, candidates: 6, kept: 3, kept_ratio: 0.5, seed: 5 });
    expect(statistics?.tokens_generated).toBeGreaterThan(0);
    expect(statistics?.score_min).toBeGreaterThanOrEqual(1);
    expect(statistics?.score_max).toBeLessThanOrEqual(5);
    expect(statistics?.score_mean).toBeGreaterThanOrEqual(statistics?.score_min ?? Number.NaN);
    expect(statistics?.wall_time_ms).toBeGreaterThanOrEqual(statistics?.generation_ms ?? Number.NaN);
    expect(statistics?.scoring_ms).toBeGreaterThan(0);
  });

  it('saves the kept candidates as a dataset of (dialog, score) rows', async () => {
    const response = await generate({
      prompts: prompts.slice(0, 2),
      filtering_function: 'none',
      options: { k: 2, save_as_dataset: true, seed: 1 },
    });
    const datasetId = response.dataset_id ?? '';
    expect(datasetId).toMatch(/^sdg-/);
    const datasets = stack.apis.datasets as Datasets;
    expect((await datasets.getDataset({ dataset_id: datasetId })).columns).toEqual({
      dialog: 'dialog',
      score: 'number',
    });
    const rows = await datasets.iterrows({ dataset_id: datasetId, start_index: 0, limit: 100 });
    const expected = response.synthetic_data.flatMap((prompt) =>
      prompt.k_scored_generations.map((generation) => ({
        dialog: [prompt.prompt, generation.message],
        score: generation.score,
      })),
    );
    expect(rows.data).toEqual(expected);
    expect(rows.data).toHaveLength(4);
    await expect(generate({ prompts, options: { k: 1, save_as_dataset: datasetId } })).rejects.toMatchObject({
      status: 409,
      field: 'options.save_as_dataset',
    });
  });

  it('queues a run above max_candidates_in_request as a job with progress, and answers its result', async () => {
    const response = await generate({
      prompts,
      filtering_function: 'top_p',
      options: { k: 3, top_p: 0.5, seed: 9 },
    });
    expect(response.synthetic_data).toEqual([]);
    const job = response.job;
    expect(job).toMatchObject({ candidates_total: 9 });
    await expect
      .poll(async () => (await sdg.getJobStatus({ job_id: job?.job_id ?? '' })).status, {
        timeout: 120_000,
        interval: 200,
      })
      .toBe('completed');
    const done = await sdg.getJobStatus({ job_id: job?.job_id ?? '' });
    expect(done.candidates_scored).toBe(9);
    expect(done.result?.statistics).toMatchObject({ prompts: 3, candidates: 9, seed: 9 });
    expect(done.result?.synthetic_data).toHaveLength(3);
    for (const prompt of done.result?.synthetic_data ?? [])
      expect(prompt.k_scored_generations.length).toBeGreaterThan(0);
  });

  it('cancels a queued job', async () => {
    const many = Array.from({ length: 40 }, (_, index) => ({
      role: 'user' as const,
      content: `Story ${index}`,
    }));
    const { job } = await generate({ prompts: many, options: { k: 4, max_tokens: 64 } });
    const cancelled = await sdg.cancelJob({ job_id: job?.job_id ?? '' });
    expect(['cancelled', 'running', 'scheduled']).toContain(cancelled.status);
    await expect
      .poll(async () => (await sdg.getJobStatus({ job_id: job?.job_id ?? '' })).status, {
        timeout: 60_000,
        interval: 200,
      })
      .toBe('cancelled');
    await expect(sdg.getJobStatus({ job_id: 'no-such-job' })).rejects.toMatchObject({ status: 404 });
  });

  it('names a missing generation or reward model before any work', async () => {
    await expect(generate({ prompts, options: { model: 'judge', k: 8 } })).rejects.toMatchObject({
      status: 400,
      field: 'model',
    });
    await expect(generate({ prompts, options: { model: 'nope' } })).rejects.toMatchObject({ status: 404 });
    await expect(
      generate({ prompts, reward_scoring: { model: 'stories' }, options: { k: 1 } }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('reward scoring needs a model registered with model_type: reward'),
    });
  });
});
