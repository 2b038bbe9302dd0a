import { join } from 'node:path';
import { testModel, testModelsDir } from '@llama-stack-ts/provider-utils/test';

export { testModelsDir };

const model2vecPath = 'minishlab/test-model-vocab-quantized';
export const model2vecDir = join(testModelsDir, model2vecPath);

/**
 * Whether the model2vec test model is present. Missing, tests that need it skip, unless
 * `LLAMA_STACK_TS_REQUIRE_MODELS=1`, where a missing model fails the run.
 */
export function hasModel2vecModel(): boolean {
  return testModel(model2vecPath, 'model.safetensors') !== undefined;
}
