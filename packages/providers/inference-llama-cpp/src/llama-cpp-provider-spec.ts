import { defineProviderSpec, type Inference } from '@llama-stack-ts/core';
import { LlamaCppConfig, sampleLlamaCppConfig } from './llama-cpp-config.js';

/**
 * `inline::llama-cpp`: GGUF models run in-process by llama.cpp (node-llama-cpp) on the CPU, CUDA,
 * Vulkan or Metal. The implementation (and the native binding) is imported only when a
 * distribution uses the provider.
 */
export const llamaCppProviderSpec = defineProviderSpec<LlamaCppConfig, Inference>({
  specVersion: 'v1',
  api: 'inference',
  providerType: 'inline::llama-cpp',
  description:
    'GGUF models in-process through llama.cpp (node-llama-cpp): chat templates, tool calls and JSON output under grammars, log probabilities, continuous batching, embeddings.',
  configSchema: LlamaCppConfig,
  sampleConfig: sampleLlamaCppConfig,
  async create(config, context) {
    const parsed = LlamaCppConfig.parse(config);
    const [{ LlamaCppInference }, { LlamaCppModelPool }] = await Promise.all([
      import('./llama-cpp-inference.js'),
      import('./llama-cpp-model-pool.js'),
    ]);
    const pool = new LlamaCppModelPool({
      config: parsed,
      logger: context.logger,
      baseDir: context.manifestDir,
    });
    const implementation = new LlamaCppInference({ config: parsed, logger: context.logger, pool });
    try {
      for (const model of context.models) await implementation.addModel(model);
    } catch (error) {
      await implementation.dispose();
      throw error;
    }
    return {
      implementation,
      registerModel: (model) => implementation.addModel(model),
      health: async () =>
        implementation.disposed ? { status: 'error', message: 'disposed' } : { status: 'ok' },
      dispose: () => implementation.dispose(),
    };
  },
});
