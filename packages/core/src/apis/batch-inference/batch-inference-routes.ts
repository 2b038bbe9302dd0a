import { defineRoutes } from '../route-definition.js';
import type { BatchInference } from './batch-inference-protocol.js';
import {
  BatchInferenceJob,
  GetBatchInferenceJobStatusRequest,
  SubmitBatchInferenceJobRequest,
} from './batch-inference-schemas.js';
import {
  Batch,
  BatchIdRequest,
  CreateBatchRequest,
  ListBatchesRequest,
  ListBatchesResponse,
} from './openai-batch-schemas.js';

export const batchInferenceRoutes = defineRoutes<BatchInference>()([
  {
    api: 'batch_inference',
    method: 'POST',
    path: '/batch_inference/submit_job',
    operation: 'submitJob',
    summary: 'Submit a batch inference job over a JSONL file of prompts.',
    body: SubmitBatchInferenceJobRequest,
    response: BatchInferenceJob,
  },
  {
    api: 'batch_inference',
    method: 'GET',
    path: '/batch_inference/job_status',
    operation: 'getJobStatus',
    summary: 'Get the status of a batch inference job.',
    query: GetBatchInferenceJobStatusRequest,
    response: BatchInferenceJob,
  },
  // OpenAI's Batch API, under `/v1` as the `openai` client (`baseURL: …/v1`) calls it.
  {
    api: 'batch_inference',
    method: 'POST',
    path: '/v1/batches',
    operation: 'createBatch',
    summary: "OpenAI's Batch API: run a JSONL file of requests (uploaded with purpose batch) as a job.",
    description:
      'Each line is `{custom_id, method: "POST", url, body}` with `url` equal to `endpoint`. A line that is not a ' +
      'valid request (bad JSON, a duplicate custom_id, another url…) is listed in `errors` and written to the ' +
      'error file; the other lines run. The output and error files are created through the Files API.',
    body: CreateBatchRequest,
    response: Batch,
    experimental: true,
  },
  {
    api: 'batch_inference',
    method: 'GET',
    path: '/v1/batches',
    operation: 'listBatches',
    summary: 'The batches, newest first, a page at a time.',
    query: ListBatchesRequest,
    response: ListBatchesResponse,
    experimental: true,
  },
  {
    api: 'batch_inference',
    method: 'GET',
    path: '/v1/batches/{batch_id}',
    operation: 'retrieveBatch',
    summary: 'A batch: its status, request counts and files.',
    params: BatchIdRequest,
    response: Batch,
    experimental: true,
  },
  {
    api: 'batch_inference',
    method: 'POST',
    path: '/v1/batches/{batch_id}/cancel',
    operation: 'cancelBatch',
    summary: 'Cancel a batch: it stops within a second, and the lines it finished stay in its output file.',
    params: BatchIdRequest,
    response: Batch,
    experimental: true,
  },
]);
