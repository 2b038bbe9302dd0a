import { join } from 'node:path';
import { testModelsDir } from '@llama-stack-ts/provider-utils/test';

export { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';

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
