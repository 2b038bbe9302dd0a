import { dequantizeTensor, type GgufTensor } from './gguf/gguf-tensor-reader.js';
import { tf } from './tfjs-engine.js';

/**
 * A frozen `[out, in]` matrix kept as its GGUF bytes (QLoRA: a 4-bit base takes an eighth of its
 * f32 size) and dequantized to f32 only while a forward pass uses it.
 */
export class QuantizedMatrix {
  readonly shape: [number, number];

  constructor(readonly tensor: GgufTensor) {
    this.shape = [tensor.shape[1] as number, tensor.shape[0] as number];
  }

  /** The f32 values as a new tensor: call inside `tf.tidy` so it is released after use. */
  materialize(): tf.Tensor2D {
    return tf.tensor2d(dequantizeTensor(this.tensor), this.shape);
  }
}

/** A projection's weight: f32 in memory, or quantized until used. */
export type ProjectionWeight = tf.Tensor2D | QuantizedMatrix;

export function materialize(weight: ProjectionWeight): tf.Tensor2D {
  return weight instanceof QuantizedMatrix ? weight.materialize() : weight;
}
