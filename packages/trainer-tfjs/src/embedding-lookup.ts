import { tf } from './tfjs-engine.js';

/**
 * The rows of `embedding` (`[vocabulary, dimension]`) for `tokens`. The wasm backend has no
 * UnsortedSegmentSum, which tf.gather's own gradient needs; this gradient scatters the rows back
 * with a one-hot matmul instead, so full fine-tuning can train the token embedding on wasm.
 */
export function embeddingLookup(embedding: tf.Tensor2D, tokens: readonly number[]): tf.Tensor2D {
  // Ids are made where used: the forward pass's tidy scope has released its tensors by the time
  // the gradient runs.
  const ids = () => tf.tensor1d([...tokens], 'int32');
  const lookup = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const table = inputs[0] as tf.Tensor2D;
    return {
      value: tf.gather(table, ids()),
      gradFunc: (dy: tf.Tensor) =>
        tf.matMul(tf.oneHot(ids(), table.shape[0]), dy as tf.Tensor2D, true, false),
    };
  });
  return lookup(embedding) as tf.Tensor2D;
}
