import { defineRoutes } from '../route-definition.js';
import type { SyntheticDataGeneration } from './synthetic-data-generation-protocol.js';
import {
  SyntheticDataGenerationJob,
  SyntheticDataGenerationJobRequest,
  SyntheticDataGenerationRequest,
  SyntheticDataGenerationResponse,
} from './synthetic-data-generation-schemas.js';

export const syntheticDataGenerationRoutes = defineRoutes<SyntheticDataGeneration>()([
  {
    api: 'synthetic_data_generation',
    method: 'POST',
    path: '/synthetic_data_generation/generate',
    operation: 'generate',
    summary: 'Generate, score and filter answers to a batch of prompts.',
    description:
      "`options` is an extension of the draft (k, the generation model, sampling, the filters' settings, the " +
      'seed, saving as a dataset); `reward_scoring.model` names the reward model. A run with more candidates ' +
      'than the provider serves within a request is queued as a job: the answer then carries `job`.',
    body: SyntheticDataGenerationRequest,
    response: SyntheticDataGenerationResponse,
  },
  {
    api: 'synthetic_data_generation',
    method: 'GET',
    path: '/synthetic_data_generation/job/status',
    operation: 'getJobStatus',
    summary: 'Get the status, progress and (once completed) the result of a queued generation run.',
    query: SyntheticDataGenerationJobRequest,
    response: SyntheticDataGenerationJob,
    experimental: true,
  },
  {
    api: 'synthetic_data_generation',
    method: 'POST',
    path: '/synthetic_data_generation/job/cancel',
    operation: 'cancelJob',
    summary: 'Cancel a queued generation run.',
    query: SyntheticDataGenerationJobRequest,
    response: SyntheticDataGenerationJob,
    experimental: true,
  },
]);
