import { defineProviderSpec, type ProviderInstance } from '@llama-stack-ts/core';
import { LlmJudgeConfig, sampleLlmJudgeConfig } from './llm-judge-config.js';
import { LlmJudgeRewardScoring } from './llm-judge-reward-scoring.js';

/** `inline::llm-judge`: reward models that are llms reading a rubric, through the inference API. */
export const llmJudgeProviderSpec = defineProviderSpec<LlmJudgeConfig, LlmJudgeRewardScoring>({
  specVersion: 'v1',
  api: 'reward_scoring',
  providerType: 'inline::llm-judge',
  description:
    'An llm judges each answer by a rubric (default: helpfulness and correctness) through the inference API; a ' +
    'grammar keeps the score a digit in range, log probabilities make it the expected score.',
  configSchema: LlmJudgeConfig,
  sampleConfig: sampleLlmJudgeConfig,
  apiDependencies: ['inference'],
  async create(config, context): Promise<ProviderInstance<LlmJudgeRewardScoring>> {
    const inference = context.deps.inference;
    if (!inference) {
      throw new Error(
        'inline::llm-judge needs the inference API: configure an inference provider (providers.inference in distribution.yaml).',
      );
    }
    const judge = new LlmJudgeRewardScoring({
      config: LlmJudgeConfig.parse(config),
      inference,
      models: context.models,
    });
    return {
      implementation: judge,
      async registerModel(model) {
        judge.addModel(model);
      },
    };
  },
});
