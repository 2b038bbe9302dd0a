import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { GgmlType } from 'node-llama-cpp';
import { expect, it } from 'vitest';
import { llamaLogits } from '../../src/llama-forward.js';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { LoraAdapter } from '../../src/lora.js';
import { writeLoraAdapterGguf } from '../../src/lora-adapter-gguf-writer.js';
import { meanLoss, trainLora } from '../../src/lora-trainer.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import {
  greedyCompletion,
  loadReferenceModel,
  promptTokens,
  referenceLogprobs,
} from '../llama-cpp-reference.js';
import { writeQuantizedCopy } from '../quantized-copy.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
/** Sentences stories260K has not seen, split into the prompt and the words that should follow. */
const sentences = [
  ['The purple robot', ' sang about quantum lemons.'],
  ['Seven copper kettles', ' danced under the glacier.'],
  ['A velvet submarine', ' counted silent thunder.'],
] as const;

/**
 * LoRA on the f32 base, and QLoRA on a Q4_0 copy kept quantized in memory. On the Q4_0 base
 * llama.cpp rounds activations to 8 bits, so its log-probabilities differ by up to ~0.3 (see
 * quantized-weights-parity.test.ts).
 */
const cases = [
  { name: 'LoRA on the f32 base', quantize: undefined, tolerance: 1e-3 },
  { name: 'QLoRA on a Q4_0 base kept quantized', quantize: GgmlType.Q4_0, tolerance: 0.5 },
] as const;

describeWithModels('LoRA adapter GGUF', [modelPath], () => {
  for (const { name, quantize, tolerance } of cases)
    it(`${name}: trained here, loads in llama.cpp, matches our forward pass and completes the trained sentences`, async () => {
      await useTfjsBackend();
      const folder = await mkdtemp(join(tmpdir(), 'lora-adapter-'));
      const basePath = quantize === undefined ? modelPath : join(folder, 'base.gguf');
      if (quantize !== undefined) await writeQuantizedCopy(modelPath, basePath, quantize);
      const model = await loadReferenceModel(basePath);
      const weights = await loadLlamaWeights(basePath, { keepQuantized: quantize !== undefined });
      try {
        const examples = sentences.map(([prompt, rest]) => ({ tokens: promptTokens(model, prompt + rest) }));
        const adapter = LoraAdapter.create(
          weights,
          {
            rank: 8,
            alpha: 16,
            attnModules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
            applyToMlp: true,
            applyToOutput: true,
          },
          3,
        );
        const before = meanLoss(weights, adapter, examples);
        await trainLora(weights, adapter, examples, {
          optimizer: { kind: 'adamw', lr: 1e-2, lrMin: 1e-3, weightDecay: 0 },
          nEpochs: 30,
          batchSize: 1,
          shuffle: true,
          seed: 5,
        });
        const after = meanLoss(weights, adapter, examples);
        expect(after).toBeLessThan(before / 4);

        const adapterPath = join(folder, 'adapter.gguf');
        await writeLoraAdapterGguf(adapterPath, adapter, { architecture: 'llama' });

        // llama.cpp applies the file exactly as the trainer computed: names, layouts and alpha / rank scale.
        const tokens = examples[0]?.tokens ?? [];
        const reference = await referenceLogprobs(model, tokens, adapterPath);
        const ours = tf.tidy(
          () => tf.logSoftmax(llamaLogits(weights, tokens, adapter)).arraySync() as number[][],
        );
        const difference = Math.max(
          ...ours.flatMap((row, position) =>
            row.map((value, token) => Math.abs(value - (reference[position]?.[token] ?? Number.NaN))),
          ),
        );
        expect(difference).toBeLessThan(tolerance);

        for (const [prompt, rest] of sentences) {
          const maxTokens = promptTokens(model, rest).length + 2;
          const adapted = await greedyCompletion(model, prompt, maxTokens, adapterPath);
          const base = await greedyCompletion(model, prompt, maxTokens);
          expect(adapted.trimStart().startsWith(rest.trim()), `adapted: ${prompt}|${adapted}`).toBe(true);
          expect(base, `base: ${prompt}|${base}`).not.toContain(rest.trim().split(' ').slice(0, 2).join(' '));
        }
        adapter.dispose();
      } finally {
        disposeLlamaWeights(weights);
        await model.dispose();
        await rm(folder, { recursive: true, force: true });
      }
    });
});
