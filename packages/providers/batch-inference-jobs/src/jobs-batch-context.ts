import type { Jobs, ProviderLogger, UrlPolicy } from '@llama-stack-ts/core';
import type { JobsBatchConfig } from './jobs-batch-config.js';
import type { LineInference } from './line-slots.js';

/** What the seed jobs and OpenAI's batches share in one provider instance. */
export interface JobsBatchContext {
  config: JobsBatchConfig;
  jobs: Jobs;
  /** The stack's inference, each call taking one of the process's line slots. */
  inference: LineInference;
  /** A directory of the provider's data directory (every worker process finds the same one). */
  dir(name: string): string;
  /** Throws a 404 naming `field` for a model the distribution does not register, a 400 for one that cannot chat. */
  checkModel(model: string, field: string): Promise<void>;
  urlPolicy: UrlPolicy | undefined;
  logger: ProviderLogger;
  providerType: string;
}
