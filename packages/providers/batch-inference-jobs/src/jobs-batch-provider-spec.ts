import { type BatchInference, defineProviderSpec } from '@llama-stack-ts/core';
import { JobsBatchConfig, sampleJobsBatchConfig } from './jobs-batch-config.js';
import { JobsBatchInference, providerType } from './jobs-batch-inference.js';

/** `inline::jobs`: batch inference as jobs on the stack's job engine (BullMQ on Redis). */
export const jobsBatchInferenceProviderSpec = defineProviderSpec<JobsBatchConfig, BatchInference>({
  specVersion: 'v1',
  api: 'batch_inference',
  providerType,
  description:
    "Batch inference on the stack's job engine: the seed's submit_job/job_status over a JSONL of message lists and " +
    "OpenAI's /v1/batches over a JSONL of /v1 requests (with the files API), " +
    'lines run through the inference API with continuous batching, split into parts that any worker runs and ' +
    'that resume after a crash.',
  configSchema: JobsBatchConfig,
  sampleConfig: sampleJobsBatchConfig,
  apiDependencies: ['inference'],
  optionalApiDependencies: ['files'],
  async create(config, context) {
    const inference = context.deps.inference;
    if (!inference) throw new Error(`${providerType} needs the inference API; add an inference provider.`);
    if (!context.jobs) {
      throw new Error(
        `${providerType} runs batches as jobs, and distribution '${context.distributionName ?? '?'}' has no job queues: ` +
          'add `jobs:` (its redis_url defaults to redis://127.0.0.1:6379) to its distribution.yaml.',
      );
    }
    const batches = new JobsBatchInference({
      config: JobsBatchConfig.parse(config),
      dataDir: context.dataDir,
      jobs: context.jobs,
      inference,
      files: context.deps.files,
      distributionName: context.distributionName,
      models: context.registeredModels,
      urlPolicy: context.urlPolicy,
      logger: context.logger,
    });
    return { implementation: batches, dispose: () => batches.dispose() };
  },
});
