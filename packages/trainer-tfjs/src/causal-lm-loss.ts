import { tf } from './tfjs-engine.js';

/**
 * Mean cross-entropy of predicting `tokens[i + 1]` from the logits at position i (`logits` is
 * `[tokens.length - 1, vocabulary]`), over the positions whose target `lossMask` marks 1: all of
 * them for text, the assistant's tokens for a dialog.
 */
export function causalLmLoss(
  logits: tf.Tensor2D,
  tokens: readonly number[],
  lossMask?: readonly number[],
): tf.Scalar {
  const targets = tokens.slice(1);
  if (logits.shape[0] !== targets.length)
    throw new Error(`${logits.shape[0]} logit rows for ${targets.length} targets`);
  const mask = lossMask ? lossMask.slice(1) : targets.map(() => 1);
  const counted = mask.reduce((sum, value) => sum + value, 0);
  if (counted === 0) throw new Error('no token of the sequence is marked for the loss');
  const picked = targetLogProbabilities(logits, tokens);
  return tf.div(tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(mask)))), counted) as tf.Scalar;
}

/** log p(tokens[i + 1]) at each position i, from `logits` `[tokens.length - 1, vocabulary]`. */
export function targetLogProbabilities(logits: tf.Tensor2D, tokens: readonly number[]): tf.Tensor1D {
  return tf.sum(
    tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(tokens.slice(1), 'int32'), logits.shape[1])),
    -1,
  ) as tf.Tensor1D;
}
