import { defineProviderSpec, type Inference } from '@llama-stack-ts/core';
import { embeddingProviderInstance } from '@llama-stack-ts/provider-utils/models';
import { sampleTransformersConfig, TransformersConfig } from './transformers-config.js';

/**
 * `inline::transformers`: sentence embeddings from ONNX encoder models (e.g. Xenova/all-MiniLM-L6-v2)
 * run in this process by transformers.js, from a local folder or a hub id downloaded on first use.
 */
export const transformersProviderSpec = defineProviderSpec<TransformersConfig, Inference>({
  specVersion: 'v1',
  api: 'inference',
  providerType: 'inline::transformers',
  description:
    'Sentence embeddings in this process through transformers.js (ONNX models, pooling and normalization per model card).',
  configSchema: TransformersConfig,
  sampleConfig: sampleTransformersConfig,
  async create(config, context) {
    // Lazy: transformers.js and onnxruntime load only when a distribution uses this provider.
    const { TransformersInference } = await import('./transformers-inference.js');
    const parsed = TransformersConfig.parse(config);
    return embeddingProviderInstance(
      new TransformersInference({ config: parsed, logger: context.logger }),
      context.models,
    );
  },
});
