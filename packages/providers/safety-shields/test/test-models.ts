import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The shared test models folder: `LLAMA_STACK_TS_TEST_MODELS`, resolved from the repository root. */
export const testModelsDir = resolve(repoRoot, process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models');

export const testModels = {
  /** Karpathy's stories260K: knows nothing of safety, so only the grammar makes its verdict parseable. */
  stories: join(testModelsDir, 'stories260K.gguf'),
  /** The real all-MiniLM WordPiece tokenizer beside a random ONNX encoder; the tokenizer is reused here. */
  bertTokenizerDir: join(testModelsDir, 'synthetic', 'tiny-random-bert-embedder'),
} as const;

/**
 * `describe` for tests that need real model files: skipped when one is missing, unless
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

export const quietLogger = { info() {}, warn() {}, error() {} };
