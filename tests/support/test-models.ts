import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'vitest';
import { repoRoot } from './repo-paths.js';

/** The shared test models folder: `LLAMA_STACK_TS_TEST_MODELS`, resolved from the repository root. */
export const testModelsDir = resolve(repoRoot, process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models');

export const testModels = {
  /** Karpathy's stories260K: writes TinyStories English; no chat template (Llama2Chat). */
  stories: join(testModelsDir, 'stories260K.gguf'),
  /** Random weights on the real Llama-2 vocabulary; no chat template (General). */
  tinyRandom: join(testModelsDir, 'llama-2-tiny-random.gguf'),
  /** A random BERT embedder in transformers.js layout (see SOURCES.md). */
  bertEmbedder: join(testModelsDir, 'synthetic/tiny-random-bert-embedder'),
  /** Model2Vec's test model: a trained static embedder (64 dimensions) on the bge-base vocabulary. */
  model2vec: join(testModelsDir, 'minishlab/test-model-vocab-quantized'),
} as const;

/**
 * `describe` for suites that need real model files: skipped when one is missing, unless
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
