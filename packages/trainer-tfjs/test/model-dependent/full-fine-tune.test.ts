import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { FullFineTune } from '../../src/full-fine-tune.js';
import { llamaLogits } from '../../src/llama-forward.js';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { trainLora } from '../../src/lora-trainer.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import {
  greedyCompletion,
  loadReferenceModel,
  promptTokens,
  referenceLogprobs,
} from '../llama-cpp-reference.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
const trainedPrompt = 'The purple robot';
const trainedRest = ' sang about quantum lemons.';
/** A sentence of the kind stories260K was trained on, not trained here. */
const untrained = 'Once upon a time, there was a little girl named Lily. She liked to play outside.';

/** llama.cpp's mean negative log-probability of `tokens` after the first. */
async function llamaCppLoss(path: string, tokens: readonly number[]): Promise<number> {
  const model = await loadReferenceModel(path);
  try {
    const logprobs = await referenceLogprobs(model, tokens.slice(0, -1));
    return (
      -logprobs.reduce((sum, row, position) => sum + (row[tokens[position + 1] as number] as number), 0) /
      logprobs.length
    );
  } finally {
    await model.dispose();
  }
}

describeWithModels('full fine-tuning', [modelPath], () => {
  it('trains every weight; the exported GGUF loads in llama.cpp, matches our forward pass, learned the sentence and resumes', async () => {
    await useTfjsBackend();
    const tensorsBefore = tf.memory().numTensors;
    const folder = await mkdtemp(join(tmpdir(), 'full-fine-tune-'));
    const base = await loadReferenceModel(modelPath);
    const weights = await loadLlamaWeights(modelPath);
    try {
      const tokens = promptTokens(base, trainedPrompt + trainedRest);
      const untrainedTokens = promptTokens(base, untrained);
      const fine = FullFineTune.create(weights);
      expect(fine.variables).toHaveLength(2 + 1 + weights.blocks.length * 9);
      const steps = await trainLora(fine.weights, fine, [{ tokens }], {
        optimizer: { kind: 'adamw', lr: 1e-3, lrMin: 1e-4, weightDecay: 0 },
        nEpochs: 10,
        batchSize: 1,
        shuffle: false,
        seed: 1,
      });
      expect(steps.at(-1)?.loss).toBeLessThan((steps[0]?.loss ?? 0) / 3);

      const path = join(folder, 'full.gguf');
      await fine.writeGguf(path, modelPath);

      // llama.cpp runs the file as the trainer computed it: every tensor, name and layout.
      const tuned = await loadReferenceModel(path);
      const reference = await referenceLogprobs(tuned, tokens);
      const ours = tf.tidy(
        () => tf.logSoftmax(llamaLogits(fine.weights, tokens, fine)).arraySync() as number[][],
      );
      const difference = Math.max(
        ...ours.flatMap((row, position) =>
          row.map((value, token) => Math.abs(value - (reference[position]?.[token] ?? Number.NaN))),
        ),
      );
      expect(difference).toBeLessThan(1e-3);

      const maxTokens = promptTokens(base, trainedRest).length + 2;
      const completed = await greedyCompletion(tuned, trainedPrompt, maxTokens);
      const baseCompleted = await greedyCompletion(base, trainedPrompt, maxTokens);
      expect(completed.trimStart().startsWith(trainedRest.trim()), completed).toBe(true);
      expect(baseCompleted).not.toContain('quantum lemons');
      await tuned.dispose();

      const trainedLoss = {
        base: await llamaCppLoss(modelPath, tokens),
        tuned: await llamaCppLoss(path, tokens),
      };
      expect(trainedLoss.tuned).toBeLessThan(trainedLoss.base / 3);
      // What it was not trained on still reads as a story: its loss moves little, and a story prompt
      // continues in words.
      const untrainedLoss = {
        base: await llamaCppLoss(modelPath, untrainedTokens),
        tuned: await llamaCppLoss(path, untrainedTokens),
      };
      expect(untrainedLoss.tuned).toBeLessThan(untrainedLoss.base + 1);
      const story = await loadReferenceModel(path);
      expect(await greedyCompletion(story, 'Once upon a time', 12)).toMatch(/^[\s\w,.'"!]+$/);
      await story.dispose();
      fine.dispose();

      // The exported GGUF is also the checkpoint a resumed full fine-tune starts from.
      const saved = await loadLlamaWeights(path);
      const resumed = FullFineTune.create(saved);
      disposeLlamaWeights(saved);
      const restored = tf.tidy(
        () => tf.logSoftmax(llamaLogits(resumed.weights, tokens, resumed)).arraySync() as number[][],
      );
      expect(restored).toEqual(ours);
      resumed.dispose();
    } finally {
      disposeLlamaWeights(weights);
      await base.dispose();
      await rm(folder, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
