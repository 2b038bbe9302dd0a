import { GgufTensorReader } from './gguf/gguf-tensor-reader.js';
import { f32Tensor, type GgufTensorData, writeGguf } from './gguf/gguf-writer.js';
import type { tf } from './tfjs-engine.js';

/**
 * Writes a full model GGUF that llama.cpp loads as it loads `basePath`: the base's metadata section
 * byte for byte (architecture, hyperparameters, tokenizer), each tensor named in `trained` as f32
 * (row-major `[out, in]` values, ggml shape from the base), every other base tensor copied in its
 * own type. A trained tensor the base lacks (an output head of a model that ties it to the token
 * embedding) is added after the base's.
 */
export async function writeLlamaModelGguf(
  path: string,
  basePath: string,
  trained: ReadonlyMap<string, tf.Tensor>,
): Promise<void> {
  const reader = await GgufTensorReader.open(basePath);
  const f32 = (name: string, shape: number[], tensor: tf.Tensor) => {
    if (tensor.size !== shape.reduce((product, dimension) => product * dimension, 1))
      throw new Error(`${name}: ${tensor.size} trained values for the base's shape ${shape.join('x')}`);
    return f32Tensor(name, shape, tensor.dataSync() as Float32Array);
  };
  const tensors: GgufTensorData[] = [];
  for (const name of reader.tensorNames) {
    const base = await reader.read(name);
    const tensor = trained.get(name);
    tensors.push(
      tensor
        ? f32(name, base.shape, tensor)
        : { name, shape: base.shape, ggmlType: base.ggmlType, bytes: base.raw },
    );
  }
  for (const [name, tensor] of trained)
    if (!reader.has(name)) tensors.push(f32(name, [...tensor.shape].reverse(), tensor));
  await writeGguf(path, await reader.metadataSection(), tensors);
}
