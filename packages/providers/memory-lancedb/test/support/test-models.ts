import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: five levels above this file (packages/providers/memory-lancedb/test/support). */
const repositoryRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

/** `LLAMA_STACK_TS_TEST_MODELS`, resolved from the repository root; default `../shared/models`. */
export const testModelsDir = resolve(
  repositoryRoot,
  process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models',
);

export const model2vecDir = resolve(testModelsDir, 'minishlab/test-model-vocab-quantized');

/**
 * Whether the model2vec test model is present. Missing, tests that need it skip, unless
 * `LLAMA_STACK_TS_REQUIRE_MODELS=1`, where a missing model fails the run.
 */
export function hasModel2vecModel(): boolean {
  const present = existsSync(resolve(model2vecDir, 'model.safetensors'));
  if (!present && process.env.LLAMA_STACK_TS_REQUIRE_MODELS === '1') {
    throw new Error(
      `The model2vec test model is missing at ${model2vecDir}; set LLAMA_STACK_TS_TEST_MODELS.`,
    );
  }
  return present;
}
