import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { DoraAdapter } from '../../src/dora.js';
import { readDoraCheckpointGguf, writeDoraCheckpointGguf } from '../../src/dora-checkpoint.js';
import { llamaLogits } from '../../src/llama-forward.js';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { meanLoss, trainLora } from '../../src/lora-trainer.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import {
  greedyCompletion,
  loadReferenceModel,
  promptTokens,
  referenceLogprobs,
} from '../llama-cpp-reference.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
const sentences = [
  ['The purple robot', ' sang about quantum lemons.'],
  ['Seven copper kettles', ' danced under the glacier.'],
] as const;

function maxDifference(a: readonly (readonly number[])[], b: readonly ArrayLike<number>[]): number {
  return Math.max(
    ...a.flatMap((row, position) =>
      row.map((value, token) => Math.abs(value - (b[position]?.[token] ?? Number.NaN))),
    ),
  );
}

describeWithModels('DoRA', [modelPath], () => {
  it('starts as the base, trains, its merged GGUF runs in llama.cpp as the trainer computes it, and a checkpoint restores it', async () => {
    await useTfjsBackend();
    const tensorsBefore = tf.memory().numTensors;
    const folder = await mkdtemp(join(tmpdir(), 'dora-'));
    const model = await loadReferenceModel(modelPath);
    const weights = await loadLlamaWeights(modelPath);
    try {
      const examples = sentences.map(([prompt, rest]) => ({ tokens: promptTokens(model, prompt + rest) }));
      const tokens = examples[0]?.tokens ?? [];
      const dora = DoraAdapter.create(
        weights,
        {
          rank: 4,
          alpha: 8,
          attnModules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
          applyToMlp: true,
          applyToOutput: true,
        },
        11,
      );
      const logprobs = (adapter?: DoraAdapter) =>
        tf.tidy(() => tf.logSoftmax(llamaLogits(weights, tokens, adapter)).arraySync() as number[][]);
      expect(
        maxDifference(
          logprobs(dora),
          logprobs().map((row) => Float64Array.from(row)),
        ),
      ).toBeLessThan(1e-4);

      const before = meanLoss(weights, dora, examples);
      await trainLora(weights, dora, examples, {
        optimizer: { kind: 'adamw', lr: 1e-2, lrMin: 1e-3, weightDecay: 0 },
        nEpochs: 20,
        batchSize: 1,
        shuffle: true,
        seed: 5,
      });
      expect(meanLoss(weights, dora, examples)).toBeLessThan(before / 4);
      // Magnitudes moved too: DoRA is not LoRA with an extra constant.
      const magnitude = dora.magnitudes.get('blk.0.attn_q.weight');
      const initial = tf.tidy(() =>
        tf.sqrt(tf.sum(tf.square(weights.blocks[0]?.projections.attn_q as tf.Tensor2D), 1)),
      );
      expect(
        tf.tidy(() => tf.max(tf.abs(tf.sub(magnitude as tf.Tensor, initial))).dataSync()[0]),
      ).toBeGreaterThan(1e-3);
      initial.dispose();

      const path = join(folder, 'dora-merged.gguf');
      await dora.writeMergedGguf(path, modelPath, weights);
      const merged = await loadReferenceModel(path);
      expect(maxDifference(logprobs(dora), await referenceLogprobs(merged, tokens))).toBeLessThan(1e-3);
      for (const [prompt, rest] of sentences) {
        const completed = await greedyCompletion(merged, prompt, promptTokens(model, rest).length + 2);
        expect(completed.trimStart().startsWith(rest.trim()), `${prompt}|${completed}`).toBe(true);
      }
      await merged.dispose();

      // A checkpoint (A, B and m) restores the trained adapter into a fresh one.
      const checkpoint = join(folder, 'dora-checkpoint.gguf');
      await writeDoraCheckpointGguf(checkpoint, dora, 'llama');
      const trained = logprobs(dora);
      dora.dispose();
      const restored = DoraAdapter.create(weights, dora.lora.config, 99);
      await readDoraCheckpointGguf(checkpoint, restored);
      expect(
        maxDifference(
          logprobs(restored),
          trained.map((row) => Float64Array.from(row)),
        ),
      ).toBe(0);
      restored.dispose();
    } finally {
      disposeLlamaWeights(weights);
      await model.dispose();
      await rm(folder, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
