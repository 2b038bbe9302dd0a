import { defineRoutes } from '../route-definition.js';
import type { SyntheticDataGeneration } from './synthetic-data-generation-protocol.js';
import {
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
      '`model` is an extension of the draft; `reward_scoring` carries the reward model and its settings.',
    body: SyntheticDataGenerationRequest,
    response: SyntheticDataGenerationResponse,
  },
]);
