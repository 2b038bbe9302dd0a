import { defineRoutes } from '../route-definition.js';
import type { BatchInference } from './batch-inference-protocol.js';
import {
  BatchInferenceJob,
  GetBatchInferenceJobStatusRequest,
  SubmitBatchInferenceJobRequest,
} from './batch-inference-schemas.js';

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
]);
