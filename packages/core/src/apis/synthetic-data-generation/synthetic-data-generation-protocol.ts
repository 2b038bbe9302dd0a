import type { RequestOptions } from '../request-options.js';
import type {
  SyntheticDataGenerationJob,
  SyntheticDataGenerationJobRequest,
  SyntheticDataGenerationRequest,
  SyntheticDataGenerationResponse,
} from './synthetic-data-generation-schemas.js';

/** Generates answers to prompts, scores them with a reward model, and keeps those the filter passes. */
export interface SyntheticDataGeneration {
  /**
   * Runs the whole batch within the call, or, above the provider's size for that, queues it as a job
   * and answers at once with `job` set.
   */
  generate(
    request: SyntheticDataGenerationRequest,
    options?: RequestOptions,
  ): Promise<SyntheticDataGenerationResponse>;
  /** A queued run: its status, progress, and its result once completed. An unknown id throws `NotFoundError`. */
  getJobStatus?(
    request: SyntheticDataGenerationJobRequest,
    options?: RequestOptions,
  ): Promise<SyntheticDataGenerationJob>;
  /** Cancels a queued or running job; a finished one is answered unchanged. */
  cancelJob?(
    request: SyntheticDataGenerationJobRequest,
    options?: RequestOptions,
  ): Promise<SyntheticDataGenerationJob>;
}
