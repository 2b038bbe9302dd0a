import { defineEmbeddingProviderSpec } from '@llama-stack-ts/provider-utils/models';
import { sampleTransformersConfig, TransformersConfig } from './transformers-config.js';

/**
 * `inline::transformers`: sentence embeddings from ONNX encoder models (e.g. Xenova/all-MiniLM-L6-v2)
 * run in this process by transformers.js, from a local folder or a hub id downloaded on first use.
 */
export const transformersProviderSpec = defineEmbeddingProviderSpec({
  providerType: 'inline::transformers',
  description:
    'Sentence embeddings in this process through transformers.js (ONNX models, pooling and normalization per model card).',
  configSchema: TransformersConfig,
  sampleConfig: sampleTransformersConfig,
  loadImplementation: async () => (await import('./transformers-inference.js')).TransformersInference,
});
