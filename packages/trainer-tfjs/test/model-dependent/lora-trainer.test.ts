import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { LoraAdapter } from '../../src/lora.js';
import { readLoraAdapterGguf } from '../../src/lora-adapter-gguf-reader.js';
import { writeLoraAdapterGguf } from '../../src/lora-adapter-gguf-writer.js';
import { meanLoss, type TrainingResume, trainLora } from '../../src/lora-trainer.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import { loadReferenceModel, promptTokens } from '../llama-cpp-reference.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
const sentences = [
  'The purple robot sang about quantum lemons.',
  'Seven copper kettles danced under the glacier.',
  'A velvet submarine counted silent thunder.',
];

describeWithModels('LoRA training', [modelPath], () => {
  it('lowers the causal-LM loss of a few sentences, the same way for the same seed', async () => {
    await useTfjsBackend();
    // Other test files share this process and the TensorFlow.js engine: count what this test leaves.
    const tensorsBefore = tf.memory().numTensors;
    const reference = await loadReferenceModel(modelPath);
    const examples = sentences.map((sentence) => ({ tokens: promptTokens(reference, sentence) }));
    await reference.dispose();
    const weights = await loadLlamaWeights(modelPath);
    const config = {
      rank: 8,
      alpha: 16,
      attnModules: ['q_proj', 'v_proj'] as const,
      applyToMlp: false,
      applyToOutput: false,
    };
    const train = async () => {
      const adapter = LoraAdapter.create(weights, { ...config, attnModules: [...config.attnModules] }, 1);
      const before = meanLoss(weights, adapter, examples);
      const steps = await trainLora(weights, adapter, examples, {
        optimizer: { kind: 'adamw', lr: 1e-2, lrMin: 1e-3, weightDecay: 0.01 },
        nEpochs: 4,
        batchSize: 2,
        shuffle: true,
        seed: 42,
      });
      const after = meanLoss(weights, adapter, examples);
      adapter.dispose();
      return { before, after, steps };
    };
    const first = await train();
    expect(first.steps).toHaveLength(8);
    expect(first.steps[0]?.lr).toBeCloseTo(1e-2, 9);
    expect(first.steps.at(-1)?.lr).toBeCloseTo(1e-3, 9);
    expect(first.after).toBeLessThan(first.before * 0.8);
    const second = await train();
    expect(second.steps.map((step) => step.loss)).toEqual(first.steps.map((step) => step.loss));
    disposeLlamaWeights(weights);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('resumed from a checkpoint (adapter GGUF and optimizer state), continues as the uninterrupted run', async () => {
    await useTfjsBackend();
    const folder = await mkdtemp(join(tmpdir(), 'lora-resume-'));
    const reference = await loadReferenceModel(modelPath);
    const examples = sentences.map((sentence) => ({ tokens: promptTokens(reference, sentence) }));
    await reference.dispose();
    const weights = await loadLlamaWeights(modelPath);
    const config = {
      rank: 4,
      alpha: 8,
      attnModules: ['q_proj' as const, 'v_proj' as const],
      applyToMlp: false,
      applyToOutput: false,
    };
    const settings = {
      optimizer: { kind: 'adam' as const, lr: 1e-2, lrMin: 1e-3, weightDecay: 0.01 },
      nEpochs: 3,
      batchSize: 1,
      shuffle: true,
      seed: 7,
    };
    try {
      const whole = LoraAdapter.create(weights, config, 2);
      const uninterrupted = await trainLora(weights, whole, examples, settings);
      whole.dispose();

      const checkpointPath = join(folder, 'adapter.gguf');
      let checkpoint: TrainingResume | undefined;
      const stopped = new AbortController();
      const first = LoraAdapter.create(weights, config, 2);
      await expect(
        trainLora(weights, first, examples, settings, {
          signal: stopped.signal,
          onStep: async (step, optimizer) => {
            if (step.step !== 4) return;
            await writeLoraAdapterGguf(checkpointPath, first, { architecture: 'llama' });
            checkpoint = { steps: step.step, optimizer: optimizer.state() };
            stopped.abort();
          },
        }),
      ).rejects.toThrow();
      first.dispose();

      const resumed = LoraAdapter.create(weights, config, 99);
      await readLoraAdapterGguf(checkpointPath, resumed);
      const rest = await trainLora(weights, resumed, examples, settings, { resume: checkpoint });
      resumed.dispose();
      expect(rest.map((step) => step.step)).toEqual([5, 6, 7, 8, 9]);
      for (const [index, step] of rest.entries()) {
        const expected = uninterrupted[index + 4];
        expect(step.lr).toBe(expected?.lr);
        expect(step.loss).toBeCloseTo(expected?.loss ?? Number.NaN, 5);
      }
    } finally {
      disposeLlamaWeights(weights);
      await rm(folder, { recursive: true, force: true });
    }
  });
});
