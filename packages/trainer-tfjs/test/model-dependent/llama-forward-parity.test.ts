import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { afterAll, expect, it } from 'vitest';
import { llamaLogits } from '../../src/llama-forward.js';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import { loadReferenceModel, promptTokens, referenceLogprobs } from '../llama-cpp-reference.js';

const models = ['stories260K.gguf', 'llama-2-tiny-random.gguf'].map((file) => join(testModelsDir, file));
const text = 'Once upon a time, a little girl named Lily found a shiny red ball in the park.';

/** The largest |ours - llama.cpp| over every position's next-token log-probabilities. */
async function maxLogprobDifference(path: string): Promise<number> {
  const model = await loadReferenceModel(path);
  try {
    const tokens = promptTokens(model, text);
    const reference = await referenceLogprobs(model, tokens);
    const weights = await loadLlamaWeights(path);
    const ours = tf.tidy(() => tf.logSoftmax(llamaLogits(weights, tokens)).arraySync() as number[][]);
    disposeLlamaWeights(weights);
    let max = 0;
    ours.forEach((row, position) => {
      row.forEach((value, token) => {
        max = Math.max(max, Math.abs(value - (reference[position]?.[token] ?? Number.NaN)));
      });
    });
    return max;
  } finally {
    await model.dispose();
  }
}

describeWithModels('llama forward pass against llama.cpp', models, () => {
  afterAll(() => useTfjsBackend());

  for (const backend of ['wasm', 'cpu'] as const)
    for (const path of models)
      it(`${backend}: next-token log-probabilities of ${path.split('/').pop()} match within 1e-3`, async () => {
        await useTfjsBackend(backend);
        const difference = await maxLogprobDifference(path);
        expect(difference).toBeLessThan(1e-3);
      });
});
