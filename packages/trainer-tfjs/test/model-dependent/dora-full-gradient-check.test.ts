import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { causalLmLoss } from '../../src/causal-lm-loss.js';
import { DoraAdapter } from '../../src/dora.js';
import { FullFineTune } from '../../src/full-fine-tune.js';
import { llamaLogits } from '../../src/llama-forward.js';
import { disposeLlamaWeights, type LlamaWeights, loadLlamaWeights } from '../../src/llama-weights.js';
import type { ProjectionAdapter } from '../../src/projection-adapter.js';
import { tf, useTfjsBackend } from '../../src/tfjs-engine.js';
import { expectFiniteDifferenceGradient } from '../finite-difference.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
const tokens = [1, 403, 407, 261, 378, 432, 261, 376, 298, 315, 421, 395];

/** Compares the analytic gradients of `checked` variables with finite differences; returns how many entries. */
function checkGradients(weights: LlamaWeights, adapter: ProjectionAdapter, checked: tf.Variable[]): number {
  const loss = () => causalLmLoss(llamaLogits(weights, tokens.slice(0, -1), adapter), tokens);
  const lossValue = () => tf.tidy(() => loss().dataSync()[0] as number);
  const { grads } = tf.variableGrads(loss, checked);
  let compared = 0;
  for (const variable of checked)
    compared += expectFiniteDifferenceGradient(
      variable,
      grads[variable.name]?.dataSync() as Float32Array,
      lossValue,
    );
  tf.dispose(Object.values(grads));
  return compared;
}

describeWithModels('DoRA and full fine-tuning gradients', [modelPath], () => {
  it('DoRA: magnitude, A and B match central finite differences', async () => {
    await useTfjsBackend();
    const weights = await loadLlamaWeights(modelPath);
    const dora = DoraAdapter.create(
      weights,
      { rank: 4, alpha: 8, attnModules: ['q_proj', 'v_proj'], applyToMlp: true, applyToOutput: true },
      7,
    );
    // B starts at zero, which would make every A gradient zero: give B values so both are checked.
    [...dora.lora.pairs.values()].forEach((pair, index) => {
      pair.b.assign(tf.randomNormal(pair.b.shape, 0, 0.05, 'float32', 100 + index));
    });
    const checked = ['blk.0.attn_q.weight', 'blk.3.ffn_up.weight', 'output.weight'].flatMap((name) => {
      const pair = dora.lora.pairs.get(name);
      const magnitude = dora.magnitudes.get(name);
      if (!pair || !magnitude) throw new Error(`no DoRA on ${name}`);
      return [magnitude, pair.a, pair.b];
    });
    expect(checkGradients(weights, dora, checked)).toBe(checked.length * 3);
    dora.dispose();
    disposeLlamaWeights(weights);
  });

  it('full: embedding (its scatter gradient), norms and projections match central finite differences', async () => {
    await useTfjsBackend();
    const base = await loadLlamaWeights(modelPath);
    const fine = FullFineTune.create(base);
    disposeLlamaWeights(base);
    const checked = [
      'token_embd.weight',
      'blk.0.attn_norm.weight',
      'blk.2.ffn_gate.weight',
      'output_norm.weight',
    ].map((name) => fine.named.get(name) as tf.Variable);
    expect(checkGradients(fine.weights, fine, checked)).toBe(checked.length * 3);
    fine.dispose();
  });
});
