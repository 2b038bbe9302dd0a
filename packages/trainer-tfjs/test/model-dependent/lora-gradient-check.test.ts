import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { causalLmLoss } from '../../src/causal-lm-loss.js';
import { llamaLogits } from '../../src/llama-forward.js';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { LoraAdapter } from '../../src/lora.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
const tokens = [1, 403, 407, 261, 378, 432, 261, 376, 298, 315, 421, 395];

describeWithModels('LoRA gradients', [modelPath], () => {
  it('match central finite differences on A and B of attention, MLP and output adapters', async () => {
    await useTfjsBackend();
    const weights = await loadLlamaWeights(modelPath);
    const adapter = LoraAdapter.create(
      weights,
      {
        rank: 4,
        alpha: 8,
        attnModules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
        applyToMlp: true,
        applyToOutput: true,
      },
      7,
    );
    // B starts at zero, which would make every A gradient zero: give B values so both are checked.
    [...adapter.pairs.values()].forEach((pair, index) => {
      pair.b.assign(tf.randomNormal(pair.b.shape, 0, 0.05, 'float32', 100 + index));
    });
    const loss = () => causalLmLoss(llamaLogits(weights, tokens.slice(0, -1), adapter), tokens);
    const lossValue = () => tf.tidy(() => loss().dataSync()[0] as number);
    const { grads } = tf.variableGrads(loss, adapter.variables);
    const checked = ['blk.0.attn_q.weight', 'blk.2.attn_v.weight', 'blk.4.ffn_down.weight', 'output.weight'];
    const epsilon = 5e-3;
    let compared = 0;
    for (const name of checked) {
      const pair = adapter.pairs.get(name);
      if (!pair) throw new Error(`no adapter on ${name}`);
      for (const variable of [pair.a, pair.b]) {
        const analytic = grads[variable.name]?.dataSync() as Float32Array;
        // The three largest gradient entries: finite differences resolve them well above f32 noise.
        const entries = [...analytic.keys()]
          .sort((i, j) => Math.abs(analytic[j] as number) - Math.abs(analytic[i] as number))
          .slice(0, 3);
        for (const entry of entries) {
          const original = variable.dataSync().slice();
          const at = (delta: number) => {
            const moved = original.slice();
            moved[entry] = (original[entry] as number) + delta;
            variable.assign(tf.tensor(moved, variable.shape));
            return lossValue();
          };
          const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
          variable.assign(tf.tensor(original, variable.shape));
          const expected = analytic[entry] as number;
          expect(Math.abs(expected), `${variable.name}[${entry}]`).toBeGreaterThan(1e-3);
          expect(
            Math.abs(numeric - expected),
            `${variable.name}[${entry}]: ${numeric} vs ${expected}`,
          ).toBeLessThan(0.02 * Math.abs(expected) + 2e-4);
          compared++;
        }
      }
    }
    expect(compared).toBe(checked.length * 2 * 3);
    tf.dispose(Object.values(grads));
    adapter.dispose();
    disposeLlamaWeights(weights);
  });
});
