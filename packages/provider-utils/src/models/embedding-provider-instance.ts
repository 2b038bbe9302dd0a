import type { Model, ProviderInstance } from '@llama-stack-ts/core';
import type { EmbeddingOnlyInference, LoadedEmbeddingModel } from './embedding-only-inference.js';

/**
 * The `ProviderInstance` of an embedding-only inference provider: adds the manifest's models (a
 * failure disposes the provider and is thrown, so the stack does not start half-loaded), registers
 * later ones, and reports health until disposed.
 */
export async function embeddingProviderInstance<
  Implementation extends EmbeddingOnlyInference<LoadedEmbeddingModel>,
>(implementation: Implementation, models: readonly Model[]): Promise<ProviderInstance<Implementation>> {
  try {
    for (const model of models) await implementation.addModel(model);
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
}
