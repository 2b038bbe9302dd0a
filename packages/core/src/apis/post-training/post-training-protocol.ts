import type { RequestOptions } from '../request-options.js';
import type {
  PostTrainingJobArtifactsResponse,
  PostTrainingJobLogLine,
  PostTrainingJobLogStream,
  PostTrainingJobRequest,
  PostTrainingJobStatusResponse,
  PostTrainingRLHFRequest,
  PostTrainingSFTRequest,
} from './post-training-schemas.js';

/**
 * Fine-tuning and alignment jobs. Submitting answers as soon as the job is queued (the client
 * already knows its `job_uuid`); a `job_uuid` in use throws `ConflictError`, an unknown one
 * `NotFoundError`.
 */
export interface PostTraining {
  /** Queues a supervised fine-tuning job. */
  supervisedFineTune(request: PostTrainingSFTRequest, options?: RequestOptions): Promise<void>;
  /** Queues a preference optimization (DPO) job. */
  preferenceOptimize(request: PostTrainingRLHFRequest, options?: RequestOptions): Promise<void>;
  /** The log lines the job has written so far. */
  getTrainingJobLogs(
    request: PostTrainingJobRequest,
    options?: RequestOptions,
  ): Promise<PostTrainingJobLogStream>;
  /** The log lines so far, then each new one as the job writes it, until the job ends or `signal` aborts. */
  streamTrainingJobLogs(
    request: PostTrainingJobRequest,
    options?: RequestOptions,
  ): AsyncIterable<PostTrainingJobLogLine>;
  getTrainingJobStatus(
    request: PostTrainingJobRequest,
    options?: RequestOptions,
  ): Promise<PostTrainingJobStatusResponse>;
  /** Stops a scheduled or running job; cancelling a finished job does nothing. */
  cancelTrainingJob(request: PostTrainingJobRequest, options?: RequestOptions): Promise<void>;
  /** The checkpoints the job has written. */
  getTrainingJobArtifacts(
    request: PostTrainingJobRequest,
    options?: RequestOptions,
  ): Promise<PostTrainingJobArtifactsResponse>;
}
