import { join } from 'node:path';
import type { Inference, Model, ProviderInstance } from '@llama-stack-ts/core';
import { RecordingLogger, repoRoot, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { ModelEntry } from '@llama-stack-ts/stack';
import type { LlamaCppConfigInput } from '../src/index.js';
import { llamaCppProviderSpec } from '../src/index.js';
import type { LlamaCppInference } from '../src/llama-cpp-inference.js';

export { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';

export const testModels = {
  /** Karpathy's stories260K: 512-token vocab, writes TinyStories English, no chat template (Llama2Chat). */
  stories: join(testModelsDir, 'stories260K.gguf'),
  /** Random weights on the real Llama-2 vocabulary (32000 tokens), no chat template (General). */
  tinyRandom: join(testModelsDir, 'llama-2-tiny-random.gguf'),
} as const;

export function testModel(
  modelId: string,
  path: string,
  extra: Partial<Omit<ModelEntry, 'model_id'>> = {},
): Model {
  const entry = ModelEntry.parse({ model_id: modelId, provider_model_id: path, ...extra });
  return {
    identifier: entry.model_id,
    provider_id: 'llama-cpp',
    provider_resource_id: entry.provider_model_id ?? entry.model_id,
    model_type: entry.model_type,
    metadata: entry.metadata,
  };
}

export type TestProvider = ProviderInstance<Inference> &
  AsyncDisposable & {
    inference: LlamaCppInference;
    logger: RecordingLogger;
  };

/** Starts the provider through its spec, as a distribution would, ready for `await using`. */
export async function startProvider(
  config: LlamaCppConfigInput,
  models: readonly Model[],
): Promise<TestProvider> {
  const logger = new RecordingLogger();
  const instance = await llamaCppProviderSpec.create(llamaCppProviderSpec.configSchema.parse(config), {
    providerId: 'llama-cpp',
    dataDir: join(repoRoot, '.llama-stack-ts', 'test-llama-cpp'),
    deps: {},
    models,
    logger,
  });
  return {
    ...instance,
    inference: instance.implementation as LlamaCppInference,
    logger,
    [Symbol.asyncDispose]: async () => instance.dispose?.(),
  };
}

/** Reads a stream to its end. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const chunks: T[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}
