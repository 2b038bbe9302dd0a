import type { RequestOptions } from '../request-options.js';
import type {
  BatchInferenceJob,
  GetBatchInferenceJobStatusRequest,
  SubmitBatchInferenceJobRequest,
} from './batch-inference-schemas.js';
import type {
  Batch,
  BatchIdRequest,
  CreateBatchRequest,
  ListBatchesRequest,
  ListBatchesResponse,
} from './openai-batch-schemas.js';

/**
 * Runs inference over a file of requests as a background job: the seed's draft (a JSONL of message
 * lists) and OpenAI's Batch API (a JSONL of `/v1` requests uploaded through the Files API). An
 * unknown `job_id` or `batch_id` throws `NotFoundError`.
 */
export interface BatchInference {
  /** Queues the job and answers at once with it (status `validating` or `running`). */
  submitJob(request: SubmitBatchInferenceJobRequest, options?: RequestOptions): Promise<BatchInferenceJob>;
  getJobStatus(
    request: GetBatchInferenceJobStatusRequest,
    options?: RequestOptions,
  ): Promise<BatchInferenceJob>;
  /**
   * Checks the input file's lines and queues the batch (`POST /v1/batches`); an unknown
   * `input_file_id` throws `NotFoundError`. A line that is not a valid request is that line's error.
   */
  createBatch(request: CreateBatchRequest, options?: RequestOptions): Promise<Batch>;
  /** The batches, newest first (`GET /v1/batches`). */
  listBatches(request: ListBatchesRequest, options?: RequestOptions): Promise<ListBatchesResponse>;
  retrieveBatch(request: BatchIdRequest, options?: RequestOptions): Promise<Batch>;
  /**
   * Stops a batch (`POST /v1/batches/{batch_id}/cancel`): it is `cancelling` until the lines that
   * finished are written to its output and error files, then `cancelled`. A batch that already
   * ended throws `ConflictError`.
   */
  cancelBatch(request: BatchIdRequest, options?: RequestOptions): Promise<Batch>;
}
