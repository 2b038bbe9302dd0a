export {
  ClassifierRewardConfig,
  type ClassifierRewardConfigInput,
  ClassifierSettings,
  sampleClassifierRewardConfig,
} from './classifier-config.js';
export {
  classifierRewardProviderSpec as default,
  classifierRewardProviderSpec,
} from './classifier-provider-spec.js';
export { ClassifierRewardScoring, type ClassifierRewardScoringOptions } from './classifier-reward-scoring.js';
