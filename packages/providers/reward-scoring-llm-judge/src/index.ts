export { expectedScore } from './expected-score.js';
export {
  defaultRubric,
  LlmJudgeConfig,
  type LlmJudgeConfigInput,
  sampleLlmJudgeConfig,
} from './llm-judge-config.js';
export { llmJudgeProviderSpec as default, llmJudgeProviderSpec } from './llm-judge-provider-spec.js';
export { LlmJudgeRewardScoring, type LlmJudgeRewardScoringOptions } from './llm-judge-reward-scoring.js';
export { renderJudgePrompt } from './render-judge-prompt.js';
export { scoreGrammar } from './score-grammar.js';
