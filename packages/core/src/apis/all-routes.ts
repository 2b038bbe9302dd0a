import { agenticSystemRoutes } from './agentic-system/index.js';
import { batchInferenceRoutes } from './batch-inference/index.js';
import { datasetsRoutes } from './datasets/index.js';
import { inferenceRoutes } from './inference/index.js';
import { memoryBanksRoutes } from './memory-banks/index.js';
import { modelsRoutes } from './models/index.js';
import { postTrainingRoutes } from './post-training/index.js';
import { rewardScoringRoutes } from './reward-scoring/index.js';
import type { RouteDefinition } from './route-definition.js';
import { safetyRoutes } from './safety/index.js';
import { syntheticDataGenerationRoutes } from './synthetic-data-generation/index.js';

/** Every route of every API, in the order the OpenAPI document lists them. */
export const allRoutes: readonly RouteDefinition[] = [
  ...modelsRoutes,
  ...inferenceRoutes,
  ...safetyRoutes,
  ...agenticSystemRoutes,
  ...memoryBanksRoutes,
  ...rewardScoringRoutes,
  ...syntheticDataGenerationRoutes,
  ...datasetsRoutes,
  ...postTrainingRoutes,
  ...batchInferenceRoutes,
] as readonly RouteDefinition[];
