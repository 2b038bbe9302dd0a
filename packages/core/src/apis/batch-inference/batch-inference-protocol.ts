import type { RequestOptions } from '../request-options.js';
import type {
  BatchInferenceJob,
  GetBatchInferenceJobStatusRequest,
  SubmitBatchInferenceJobRequest,
} from './batch-inference-schemas.js';

/** Runs inference over a file of prompts as a background job. An unknown `job_id` throws `NotFoundError`. */
export interface BatchInference {
  /** Queues the job and answers at once with it (status `validating` or `running`). */
  submitJob(request: SubmitBatchInferenceJobRequest, options?: RequestOptions): Promise<BatchInferenceJob>;
  getJobStatus(
    request: GetBatchInferenceJobStatusRequest,
    options?: RequestOptions,
  ): Promise<BatchInferenceJob>;
}
