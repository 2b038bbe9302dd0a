import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Inference,
  type Model,
  ModelEntry,
  type ProviderInstance,
  type ProviderLogger,
} from '@llama-stack-ts/core';
import { describe } from 'vitest';
import type { LlamaCppConfigInput } from '../src/index.js';
import { llamaCppProviderSpec } from '../src/index.js';
import type { LlamaCppInference } from '../src/llama-cpp-inference.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The shared test models folder: `LLAMA_STACK_TS_TEST_MODELS`, resolved from the repository root. */
export const testModelsDir = resolve(repoRoot, process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models');

export const testModels = {
  /** Karpathy's stories260K: 512-token vocab, writes TinyStories English, no chat template (Llama2Chat). */
  stories: join(testModelsDir, 'stories260K.gguf'),
  /** Random weights on the real Llama-2 vocabulary (32000 tokens), no chat template (General). */
  tinyRandom: join(testModelsDir, 'llama-2-tiny-random.gguf'),
} as const;

/**
 * `describe` for tests that need real GGUF files: skipped when one is missing, unless
 * `LLAMA_STACK_TS_REQUIRE_MODELS=1`, in which case the suite fails and names the file.
 */
export function describeWithModels(name: string, files: readonly string[], body: () => void): void {
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  if (process.env.LLAMA_STACK_TS_REQUIRE_MODELS === '1') {
    describe(name, () => {
      throw new Error(
        `Missing test model(s): ${missing.join(', ')}. Set LLAMA_STACK_TS_TEST_MODELS to the folder that holds them.`,
      );
    });
    return;
  }
  describe.skip(`${name} (missing ${missing.join(', ')})`, body);
}

/** A logger that keeps its lines, so a test can read what the provider said. */
export function recordingLogger(): ProviderLogger & {
  lines: { level: string; message: string; details?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; details?: Record<string, unknown> }[] = [];
  const add = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push({ level, message, ...(details ? { details } : {}) });
  };
  return { lines, info: add('info'), warn: add('warn'), error: add('error') };
}

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
    logger: ReturnType<typeof recordingLogger>;
  };

/** Starts the provider through its spec, as a distribution would, ready for `await using`. */
export async function startProvider(
  config: LlamaCppConfigInput,
  models: readonly Model[],
): Promise<TestProvider> {
  const logger = recordingLogger();
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
