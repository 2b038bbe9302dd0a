import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { causalLmLoss } from '../../src/causal-lm-loss.js';
import { llamaLogits } from '../../src/llama-forward.js';
import { disposeLlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import { LoraAdapter } from '../../src/lora.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import { expectFiniteDifferenceGradient } from '../finite-difference.js';

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
    let compared = 0;
    for (const name of checked) {
      const pair = adapter.pairs.get(name);
      if (!pair) throw new Error(`no adapter on ${name}`);
      for (const variable of [pair.a, pair.b]) {
        compared += expectFiniteDifferenceGradient(
          variable,
          grads[variable.name]?.dataSync() as Float32Array,
          lossValue,
        );
      }
    }
    expect(compared).toBe(checked.length * 2 * 3);
    tf.dispose(Object.values(grads));
    adapter.dispose();
    disposeLlamaWeights(weights);
  });
});
