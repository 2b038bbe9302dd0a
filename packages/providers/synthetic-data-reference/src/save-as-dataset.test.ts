import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Datasets, KScoredPromptGenerations, Message } from '@llama-stack-ts/core';
import { localFsDatasetsProviderSpec } from '@llama-stack-ts/provider-datasets-localfs';
import { silentLogger } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedRun } from './resolve-run.js';
import { saveAsDataset } from './save-as-dataset.js';

const prompt: Message = { role: 'user', content: 'Hi', tool_calls: [], tool_responses: [] };
const run: ResolvedRun = {
  prompts: [prompt],
  filteringFunction: 'none',
  generationModel: 'stories',
  rewardModel: 'judge',
  k: 1,
  temperature: 0.8,
  maxTokens: 8,
  seed: 1,
  filter: { topK: 1, topP: 0.9, threshold: 0, sigmoidTemperature: 1 },
};
const data: KScoredPromptGenerations[] = [
  {
    prompt,
    k_scored_generations: [
      { message: { role: 'assistant', content: 'Hello', tool_calls: [], tool_responses: [] }, score: 4 },
    ],
  },
];

describe('saveAsDataset on inline::localfs datasets', () => {
  let dataDir: string;
  let datasets: Datasets;
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lsts-sdg-save-'));
    const instance = await localFsDatasetsProviderSpec.create(
      localFsDatasetsProviderSpec.configSchema.parse({}),
      { providerId: 'datasets', dataDir, deps: {}, models: [], logger: silentLogger },
    );
    datasets = instance.implementation as Datasets;
    dispose = instance.dispose;
  });
  afterAll(async () => {
    await dispose?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the dataset its own job saved before it was run again, and conflicts with any other', async () => {
    await saveAsDataset(datasets, 'sdg-1', run, data, { jobId: 'job-1' });
    await expect(saveAsDataset(datasets, 'sdg-1', run, data, { jobId: 'job-1' })).resolves.toBeUndefined();
    await expect(saveAsDataset(datasets, 'sdg-1', run, data, { jobId: 'job-2' })).rejects.toMatchObject({
      status: 409,
    });
    await expect(saveAsDataset(datasets, 'sdg-1', run, data)).rejects.toMatchObject({ status: 409 });
    const { metadata } = await datasets.getDataset({ dataset_id: 'sdg-1' });
    expect(metadata).toMatchObject({ source: 'synthetic_data_generation', job_id: 'job-1' });
  });
});
