import type { LlamaHyperparameters } from './llama-hyperparameters.js';
import { tf } from './tfjs-engine.js';

/**
 * The cos and sin of llama.cpp's normal (not NeoX) RoPE for positions 0..length-1: pair i of a
 * head's first `ropeDimensionCount` dimensions turns by position * freqScale * freqBase^(-2i/n_rot).
 * Shapes `[length, n_rot / 2]`.
 */
export function ropeTables(
  hyperparameters: LlamaHyperparameters,
  length: number,
): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const pairs = hyperparameters.ropeDimensionCount / 2;
  const cos = new Float32Array(length * pairs);
  const sin = new Float32Array(length * pairs);
  for (let position = 0; position < length; position++)
    for (let pair = 0; pair < pairs; pair++) {
      const theta =
        position *
        hyperparameters.ropeFreqScale *
        hyperparameters.ropeFreqBase ** ((-2 * pair) / hyperparameters.ropeDimensionCount);
      cos[position * pairs + pair] = Math.cos(theta);
      sin[position * pairs + pair] = Math.sin(theta);
    }
  return { cos: tf.tensor2d(cos, [length, pairs]), sin: tf.tensor2d(sin, [length, pairs]) };
}

/**
 * Rotates `x` (`[heads, length, headDimension]`) as llama.cpp's rope mode 0: adjacent pairs
 * (x[2i], x[2i+1]) of the first n_rot dimensions; the rest pass through.
 */
export function applyRope(x: tf.Tensor3D, tables: { cos: tf.Tensor2D; sin: tf.Tensor2D }): tf.Tensor3D {
  const [heads, length, headDimension] = x.shape;
  const pairs = tables.cos.shape[1];
  const rotated = 2 * pairs;
  const pairsOf = tf.reshape(tf.slice(x, [0, 0, 0], [heads, length, rotated]), [heads, length, pairs, 2]);
  const even = tf.reshape(tf.slice(pairsOf, [0, 0, 0, 0], [heads, length, pairs, 1]), [heads, length, pairs]);
  const odd = tf.reshape(tf.slice(pairsOf, [0, 0, 0, 1], [heads, length, pairs, 1]), [heads, length, pairs]);
  const turnedEven = tf.sub(tf.mul(even, tables.cos), tf.mul(odd, tables.sin));
  const turnedOdd = tf.add(tf.mul(even, tables.sin), tf.mul(odd, tables.cos));
  const turned = tf.reshape(tf.stack([turnedEven, turnedOdd], 3), [heads, length, rotated]) as tf.Tensor3D;
  if (rotated === headDimension) return turned;
  return tf.concat([turned, tf.slice(x, [0, 0, rotated], [heads, length, headDimension - rotated])], 2);
}
