import { defineEmbeddingProviderSpec } from '@llama-stack-ts/provider-utils/models';
import { Model2VecConfig, sampleModel2VecConfig } from './model2vec-config.js';

/**
 * `inline::model2vec`: embeddings from Model2Vec static models (e.g. minishlab/potion-base-8M), a
 * tokenizer plus a table lookup: hundreds of times faster than a transformer on CPU.
 */
export const model2VecProviderSpec = defineEmbeddingProviderSpec({
  providerType: 'inline::model2vec',
  description:
    'Static sentence embeddings (Model2Vec: tokenizer, table lookup, weighted mean, normalize) from a local folder or a hub id.',
  configSchema: Model2VecConfig,
  sampleConfig: sampleModel2VecConfig,
  loadImplementation: async () => (await import('./model2vec-inference.js')).Model2VecInference,
});
