import type { DoraAdapter } from './dora.js';
import { GgufTensorReader } from './gguf/gguf-tensor-reader.js';
import { f32Tensor, writeGguf } from './gguf/gguf-writer.js';
import { tf } from './tfjs-engine.js';

/** Every trainable tensor of `dora` by the name a checkpoint stores it under, with its GGUF shape. */
function checkpointTensors(dora: DoraAdapter): [string, tf.Variable][] {
  return [...dora.lora.pairs].flatMap(([weight, pair]): [string, tf.Variable][] => [
    [`${weight}.lora_a`, pair.a],
    [`${weight}.lora_b`, pair.b],
    [`${weight}.dora_m`, dora.magnitudes.get(weight) as tf.Variable],
  ]);
}

/**
 * Writes a DoRA checkpoint: A, B (as a LoRA adapter GGUF lays them out) and the magnitudes m, in
 * f32, so a resumed run continues where it stopped. Not an adapter llama.cpp can load: serve
 * `writeMergedGguf`'s output.
 */
export async function writeDoraCheckpointGguf(
  path: string,
  dora: DoraAdapter,
  architecture: string,
): Promise<void> {
  await writeGguf(
    path,
    {
      'general.architecture': { type: 'string', value: architecture },
      'general.type': { type: 'string', value: 'adapter' },
      'adapter.type': { type: 'string', value: 'dora' },
      'adapter.lora.alpha': { type: 'f32', value: dora.lora.config.alpha },
    },
    checkpointTensors(dora).map(([name, variable]) =>
      f32Tensor(name, [...variable.shape].reverse(), variable.dataSync() as Float32Array),
    ),
  );
}

/** Loads a `writeDoraCheckpointGguf` file's values into `dora`, created with the same config. */
export async function readDoraCheckpointGguf(path: string, dora: DoraAdapter): Promise<void> {
  const reader = await GgufTensorReader.open(path);
  for (const [name, variable] of checkpointTensors(dora)) {
    const { values } = await reader.readFloat32(name);
    if (values.length !== variable.size)
      throw new Error(`${path}: ${name} has ${values.length} values, the adapter ${variable.size}`);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
  }
}
