import { join } from 'node:path';
import { testModelsDir } from '@llama-stack-ts/provider-utils/test';

export { testModelsDir };

export const model2vecDir = join(testModelsDir, 'minishlab/test-model-vocab-quantized');

/** The files of the model2vec test model, for `describeWithModels`. */
export const model2vecFiles = [join(model2vecDir, 'model.safetensors')];
