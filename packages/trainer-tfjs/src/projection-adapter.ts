import type { tf } from './tfjs-engine.js';

/**
 * What the forward pass asks of a trained adaptation: each projection `x W^T` goes through
 * `project`, and `variables` are what training updates. LoRA, DoRA and a full fine-tune (whose
 * variables are the weights themselves) are all one.
 */
export interface ProjectionAdapter {
  readonly variables: tf.Variable[];
  /** `x` (`[tokens, in]`) projected by the weight named `name` (GGUF name), `weight` being `[out, in]`. */
  project(x: tf.Tensor2D, name: string, weight: tf.Tensor2D): tf.Tensor2D;
}
