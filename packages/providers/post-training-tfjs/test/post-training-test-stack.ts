import { join } from 'node:path';
import type { PostTraining, PostTrainingJobStatusResponse } from '@llama-stack-ts/core';
import { testRedisUrl } from '@llama-stack-ts/jobs/test';
import { localFsDatasetsProviderSpec } from '@llama-stack-ts/provider-datasets-localfs';
import { llamaCppProviderSpec } from '@llama-stack-ts/provider-inference-llama-cpp';
import { testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { createStack, type ResolvedStack, silentLogger } from '@llama-stack-ts/stack';
import { f32Tensor, writeGguf } from '@llama-stack-ts/trainer-tfjs';
import { tfjsPostTrainingProviderSpec } from '../src/index.js';

export const stories = join(testModelsDir, 'stories260K.gguf');

export interface PostTrainingTestStackOptions {
  /** Where the stack keeps its data; 'gpt2.gguf' is written there. */
  dataDir: string;
  /** The jobs' Redis key prefix (a test prefix, deleted after the test). */
  prefix: string;
  /** The inline::tfjs provider's id and config. */
  providerId: string;
  config: Record<string, unknown>;
}

/**
 * A stack as the provider's tests run it: llama-cpp inference over the test models (one thread),
 * localfs datasets, and inline::tfjs post-training, its jobs on the test Redis. It registers
 * 'stories' (stories260K) and 'gpt2', a GGUF of an architecture the built-in trainer refuses (400)
 * while a command's script may train it. Its workers are started.
 */
export async function startPostTrainingTestStack(
  options: PostTrainingTestStackOptions,
): Promise<ResolvedStack> {
  const { dataDir } = options;
  await writeGguf(join(dataDir, 'gpt2.gguf'), { 'general.architecture': { type: 'string', value: 'gpt2' } }, [
    f32Tensor('token_embd.weight', [2, 2], new Float32Array(4)),
  ]);
  const stack = await createStack(
    {
      name: 'post-training-test',
      data_dir: dataDir,
      providers: {
        inference: [
          {
            provider_id: 'llama-cpp',
            provider_type: 'inline::llama-cpp',
            config: { gpu: 'cpu', model_dir: testModelsDir, threads: 1, preload: false },
          },
        ],
        datasets: [{ provider_id: 'datasets', provider_type: 'inline::localfs', config: {} }],
        post_training: [
          {
            provider_id: options.providerId,
            provider_type: 'inline::tfjs',
            config: { model_dir: testModelsDir, ...options.config },
          },
        ],
      },
      models: [
        { model_id: 'stories', provider_model_id: 'stories260K.gguf' },
        { model_id: 'gpt2', provider_id: 'llama-cpp', provider_model_id: join(dataDir, 'gpt2.gguf') },
      ],
      jobs: { redis_url: testRedisUrl, prefix: options.prefix },
    },
    {
      providers: [llamaCppProviderSpec, localFsDatasetsProviderSpec, tfjsPostTrainingProviderSpec],
      logger: silentLogger,
    },
  );
  stack.startWorkers();
  return stack;
}

/** Polls a training job's status until `done` says so (the job runs in this process's worker). */
export async function waitForTrainingJob(
  postTraining: PostTraining,
  job_uuid: string,
  done: (status: PostTrainingJobStatusResponse) => boolean = (status) =>
    status.status === 'completed' || status.status === 'failed',
): Promise<PostTrainingJobStatusResponse> {
  for (;;) {
    const status = await postTraining.getTrainingJobStatus({ job_uuid });
    if (done(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
