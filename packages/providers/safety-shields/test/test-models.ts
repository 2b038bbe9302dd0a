import { join } from 'node:path';
import { testModelsDir } from '@llama-stack-ts/provider-utils/test';

export { describeWithModels, repoRoot, testModelsDir } from '@llama-stack-ts/provider-utils/test';

export const testModels = {
  /** Karpathy's stories260K: knows nothing of safety, so only the grammar makes its verdict parseable. */
  stories: join(testModelsDir, 'stories260K.gguf'),
  /** The real all-MiniLM WordPiece tokenizer beside a random ONNX encoder; the tokenizer is reused here. */
  bertTokenizerDir: join(testModelsDir, 'synthetic', 'tiny-random-bert-embedder'),
} as const;

export const quietLogger = { info() {}, warn() {}, error() {} };
