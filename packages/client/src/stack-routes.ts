import {
  agenticSystemRoutes,
  batchInferenceRoutes,
  datasetsRoutes,
  inferenceRoutes,
  memoryBanksRoutes,
  modelsRoutes,
  postTrainingRoutes,
  rewardScoringRoutes,
  safetyRoutes,
  syntheticDataGenerationRoutes,
} from '@llama-stack-ts/core';

/**
 * Every route table of core, concatenated with their literal types kept (core's `allRoutes` is
 * widened to `RouteDefinition[]`, which would leave the client untyped). A test checks it holds
 * exactly the entries of `allRoutes`, in the same order.
 */
export const stackRoutes = [
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
] as const;
export type StackRoutes = typeof stackRoutes;
