import {
  defineProviderSpec,
  type EmbeddingInference,
  type ProviderLogger,
  type ProviderSpec,
} from '@llama-stack-ts/core';
import type { EmbeddingOnlyInference, LoadedEmbeddingModel } from './embedding-only-inference.js';
import { embeddingProviderInstance } from './embedding-provider-instance.js';
import type { HubModelConfig } from './hub-model-config.js';

/** The constructor of an embedding-only provider class, as `defineEmbeddingProviderSpec` calls it. */
export type EmbeddingInferenceClass<Config extends HubModelConfig> = new (options: {
  config: Config;
  logger?: ProviderLogger | undefined;
}) => EmbeddingOnlyInference<LoadedEmbeddingModel, Config>;

/**
 * The spec of an embedding-only inference provider. `loadImplementation` imports the provider class
 * on first use, so its runtime (transformers.js, onnxruntime, ...) loads only in a distribution that
 * uses it; `create` builds the class on the config the resolver parsed and adds the manifest's models.
 */
export function defineEmbeddingProviderSpec<Config extends HubModelConfig>(
  spec: Pick<
    ProviderSpec<Config, EmbeddingInference>,
    'providerType' | 'description' | 'configSchema' | 'sampleConfig'
  > & {
    loadImplementation(): Promise<EmbeddingInferenceClass<Config>>;
  },
): ProviderSpec<Config, EmbeddingInference> {
  const { loadImplementation, ...described } = spec;
  return defineProviderSpec<Config, EmbeddingInference>({
    specVersion: 'v1',
    api: 'inference',
    ...described,
    async create(config, context) {
      const Implementation = await loadImplementation();
      return embeddingProviderInstance(
        new Implementation({ config, logger: context.logger }),
        context.models,
      );
    },
  });
}
