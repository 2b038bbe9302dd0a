import type { RequestOptions } from '../request-options.js';
import type { RewardScoringRequest, RewardScoringResponse } from './reward-scoring-schemas.js';

/** Scores generations with a reward model. An unregistered `model` throws `NotFoundError`. */
export interface RewardScoring {
  /** Scores every generation of every prompt; the answer keeps the order of the request. */
  score(request: RewardScoringRequest, options?: RequestOptions): Promise<RewardScoringResponse>;
}
