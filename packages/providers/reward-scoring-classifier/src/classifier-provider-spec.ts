import { defineProviderSpec, type ProviderInstance } from '@llama-stack-ts/core';
import { ClassifierRewardConfig, sampleClassifierRewardConfig } from './classifier-config.js';
import { ClassifierRewardScoring } from './classifier-reward-scoring.js';

/** `inline::classifier`: sequence-classification reward models through transformers.js. */
export const classifierRewardProviderSpec = defineProviderSpec<
  ClassifierRewardConfig,
  ClassifierRewardScoring
>({
  specVersion: 'v1',
  api: 'reward_scoring',
  providerType: 'inline::classifier',
  description:
    'A sequence-classification reward model (ONNX, through transformers.js) reads each (prompt, answer) pair; ' +
    'the score is the logit or probability of its reward label.',
  configSchema: ClassifierRewardConfig,
  sampleConfig: sampleClassifierRewardConfig,
  async create(config, context): Promise<ProviderInstance<ClassifierRewardScoring>> {
    const parsed = ClassifierRewardConfig.parse(config);
    const scoring = new ClassifierRewardScoring({
      config: parsed,
      baseDir: context.manifestDir ?? process.cwd(),
      models: context.models,
      logger: context.logger,
    });
    if (parsed.preload) await scoring.preload();
    return {
      implementation: scoring,
      async registerModel(model) {
        scoring.addModel(model);
      },
      dispose: () => scoring.dispose(),
    };
  },
});
