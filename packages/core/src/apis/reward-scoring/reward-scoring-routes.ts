import { defineRoutes } from '../route-definition.js';
import type { RewardScoring } from './reward-scoring-protocol.js';
import { RewardScoringRequest, RewardScoringResponse } from './reward-scoring-schemas.js';

export const rewardScoringRoutes = defineRoutes<RewardScoring>()([
  {
    api: 'reward_scoring',
    method: 'POST',
    path: '/reward_scoring/score',
    operation: 'score',
    summary: 'Score k generations per prompt with a reward model.',
    body: RewardScoringRequest,
    response: RewardScoringResponse,
  },
]);
