import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { preferenceMargins, preferencePair, trainDpo } from '../../src/dpo.js';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { LoraAdapter } from '../../src/lora.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import { loadReferenceModel } from '../llama-cpp-reference.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
/** One preference throughout, so it carries over to prompts not trained on: happy over sad. */
const trainPrompts = [
  'Tom found a lost puppy. He was',
  'The sun came out and Lily was',
  'Mom baked a big cake. Ben was',
  'The bird sang a song. The girl was',
];
const heldOutPrompts = ['Sam got a new toy. He was', 'The cat played in the garden. It was'];
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describeWithModels('DPO', [modelPath], () => {
  it('raises the chosen-over-rejected margin on held-out pairs, against the base as reference', async () => {
    await useTfjsBackend();
    const tensorsBefore = tf.memory().numTensors;
    const model = await loadReferenceModel(modelPath);
    const pairs = (prompts: string[]) =>
      prompts.map((prompt) => preferencePair(model, prompt, ' happy.', ' sad.'));
    const train = pairs(trainPrompts);
    const heldOut = pairs(heldOutPrompts);
    await model.dispose();
    // The prompt is masked: only the response's tokens count.
    const chosen = train[0]?.chosen;
    expect(chosen?.lossMask?.filter((value) => value === 1).length).toBeLessThan(
      (chosen?.tokens.length ?? 0) / 2,
    );

    const weights = await loadLlamaWeights(modelPath);
    const adapter = LoraAdapter.create(
      weights,
      {
        rank: 8,
        alpha: 16,
        attnModules: ['q_proj', 'v_proj', 'output_proj'],
        applyToMlp: true,
        applyToOutput: false,
      },
      21,
    );
    const before = preferenceMargins(weights, undefined, heldOut);
    const steps = await trainDpo(weights, adapter, train, {
      beta: 0.1,
      optimizer: { kind: 'adamw', lr: 2e-3, lrMin: 2e-4, weightDecay: 0 },
      nEpochs: 3,
      batchSize: 2,
      shuffle: true,
      seed: 3,
    });
    const after = preferenceMargins(weights, adapter, heldOut);
    // The adapter starts as the base, so the first loss is log 2.
    expect(steps[0]?.loss).toBeCloseTo(Math.log(2), 4);
    expect(steps.at(-1)?.loss).toBeLessThan(Math.log(2) / 2);
    for (const [index, margin] of after.entries())
      expect(margin).toBeGreaterThan((before[index] as number) + 1);
    expect(mean(after)).toBeGreaterThan(0);
    adapter.dispose();
    disposeLlamaWeights(weights);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('takes hinge and IPO losses at the margin where the policy is the reference', async () => {
    await useTfjsBackend();
    const model = await loadReferenceModel(modelPath);
    const pair = preferencePair(model, trainPrompts[0] as string, ' happy.', ' sad.');
    await model.dispose();
    const weights = await loadLlamaWeights(modelPath);
    const adapter = LoraAdapter.create(
      weights,
      { rank: 2, alpha: 2, attnModules: ['q_proj'], applyToMlp: false, applyToOutput: false },
      1,
    );
    const firstLoss = async (lossType: 'hinge' | 'ipo') =>
      (
        await trainDpo(weights, adapter, [pair], {
          beta: 0.1,
          lossType,
          optimizer: { kind: 'sgd', lr: 0, lrMin: 0, weightDecay: 0 },
          nEpochs: 1,
          batchSize: 1,
          shuffle: false,
          seed: 0,
        })
      )[0]?.loss;
    // h = 0: hinge max(0, 1 - βh) = 1, IPO (h - 1/2β)² = 25.
    expect(await firstLoss('hinge')).toBeCloseTo(1, 5);
    expect(await firstLoss('ipo')).toBeCloseTo(25, 3);
    adapter.dispose();
    disposeLlamaWeights(weights);
  });
});
