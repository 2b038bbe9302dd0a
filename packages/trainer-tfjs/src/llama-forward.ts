import { embeddingLookup } from './embedding-lookup.js';
import { blockTensorName, type LlamaBlockProjection, type LlamaWeights } from './llama-weights.js';
import type { ProjectionAdapter } from './projection-adapter.js';
import { materialize, type ProjectionWeight } from './quantized-matrix.js';
import { applyRope, ropeTables } from './rope.js';
import { tf } from './tfjs-engine.js';

/** RMSNorm as llama.cpp: x / sqrt(mean(x^2) + eps), times the weight. */
function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, epsilon))), weight) as tf.Tensor2D;
}

/** `[length, heads * dimension]` to `[heads, length, dimension]`. */
function splitHeads(x: tf.Tensor2D, heads: number, dimension: number): tf.Tensor3D {
  return tf.transpose(tf.reshape(x, [x.shape[0], heads, dimension]), [1, 0, 2]);
}

/** Adds -1e9 above the diagonal: position i attends to 0..i only. */
function causalMask(length: number): tf.Tensor2D {
  return tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([length, length]), -1, 0)), -1e9) as tf.Tensor2D;
}

/**
 * Next-token logits `[tokens, vocabulary]` of a llama model (RMSNorm, RoPE mode 0, grouped-query
 * attention, SwiGLU), with each projection through `adapter` when given. Call inside `tf.tidy` (it also
 * releases quantized weights dequantized for this pass).
 */
export function llamaLogits(
  weights: LlamaWeights,
  tokens: readonly number[],
  adapter?: ProjectionAdapter,
): tf.Tensor2D {
  const hp = weights.hyperparameters;
  const length = tokens.length;
  const project = (x: tf.Tensor2D, name: string, weight: ProjectionWeight): tf.Tensor2D => {
    const matrix = materialize(weight);
    return adapter ? adapter.project(x, name, matrix) : (tf.matMul(x, matrix, false, true) as tf.Tensor2D);
  };
  const rope = ropeTables(hp, length);
  const mask = causalMask(length);
  const group = hp.headCount / hp.headCountKv;
  const attentionScale = 1 / Math.sqrt(hp.headDimension);
  let x = embeddingLookup(weights.tokenEmbedding, tokens);
  weights.blocks.forEach((block, index) => {
    const projection = (input: tf.Tensor2D, name: LlamaBlockProjection) =>
      project(input, blockTensorName(index, name), block.projections[name]);
    const normed = rmsNorm(x, block.attnNorm, hp.rmsNormEpsilon);
    const q = applyRope(splitHeads(projection(normed, 'attn_q'), hp.headCount, hp.headDimension), rope);
    const k = applyRope(splitHeads(projection(normed, 'attn_k'), hp.headCountKv, hp.headDimension), rope);
    const v = splitHeads(projection(normed, 'attn_v'), hp.headCountKv, hp.headDimension);
    // Query head h reads key/value head floor(h / group), as llama.cpp's GQA broadcast does.
    const widen = (t: tf.Tensor3D) =>
      group === 1
        ? t
        : tf.reshape(tf.tile(tf.expandDims(t, 1), [1, group, 1, 1]), [
            hp.headCount,
            length,
            hp.headDimension,
          ]);
    const scores = tf.add(tf.mul(tf.matMul(q, widen(k), false, true), attentionScale), mask);
    const attended = tf.matMul(tf.softmax(scores), widen(v));
    const merged = tf.reshape(tf.transpose(attended, [1, 0, 2]), [length, hp.headCount * hp.headDimension]);
    x = tf.add(x, projection(merged as tf.Tensor2D, 'attn_output')) as tf.Tensor2D;
    const ffnIn = rmsNorm(x, block.ffnNorm, hp.rmsNormEpsilon);
    const gate = projection(ffnIn, 'ffn_gate');
    const gated = tf.mul(tf.mul(gate, tf.sigmoid(gate)), projection(ffnIn, 'ffn_up'));
    x = tf.add(x, projection(gated as tf.Tensor2D, 'ffn_down')) as tf.Tensor2D;
  });
  return project(rmsNorm(x, weights.outputNorm, hp.rmsNormEpsilon), 'output.weight', weights.output);
}
