import { defineProviderSpec, type ProviderInstance } from '@llama-stack-ts/core';
import { ReferenceSyntheticDataGeneration } from './reference-synthetic-data-generation.js';
import { SyntheticDataConfig, sampleSyntheticDataConfig } from './synthetic-data-config.js';

/** `inline::reference`: generate, score and filter over the stack's inference and reward scoring APIs. */
export const syntheticDataReferenceProviderSpec = defineProviderSpec<
  SyntheticDataConfig,
  ReferenceSyntheticDataGeneration
>({
  specVersion: 'v1',
  api: 'synthetic_data_generation',
  providerType: 'inline::reference',
  description:
    'k candidates per prompt through the inference API, scored through the reward scoring API, filtered per prompt ' +
    '(none, random, top_k, top_p, top_k_top_p, sigmoid), saved as a dataset on request; large runs as jobs.',
  configSchema: SyntheticDataConfig,
  sampleConfig: sampleSyntheticDataConfig,
  apiDependencies: ['inference', 'reward_scoring'],
  optionalApiDependencies: ['datasets'],
  async create(config, context): Promise<ProviderInstance<ReferenceSyntheticDataGeneration>> {
    const { inference, reward_scoring: rewardScoring, datasets } = context.deps;
    if (!inference || !rewardScoring) {
      throw new Error(
        'inline::reference (synthetic_data_generation) needs the inference and reward_scoring APIs: configure a provider ' +
          'for each (providers.inference, providers.reward_scoring in distribution.yaml).',
      );
    }
    if (!context.jobs) {
      context.logger.info('no jobs: section in the manifest, so every run is answered within its request');
    }
    return {
      implementation: new ReferenceSyntheticDataGeneration({
        config: SyntheticDataConfig.parse(config),
        inference,
        rewardScoring,
        datasets,
        jobs: context.jobs,
        logger: context.logger,
      }),
    };
  },
});
