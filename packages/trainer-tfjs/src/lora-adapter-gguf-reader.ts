import { GgufTensorReader } from './gguf/gguf-tensor-reader.js';
import type { LoraAdapter } from './lora.js';
import { tf } from './tfjs-engine.js';

/**
 * Loads the values of a LoRA adapter GGUF (as `writeLoraAdapterGguf` wrote it) into `adapter`,
 * whose pairs must be the file's: how a resumed run continues from a checkpoint.
 */
export async function readLoraAdapterGguf(path: string, adapter: LoraAdapter): Promise<void> {
  const reader = await GgufTensorReader.open(path);
  for (const [weight, pair] of adapter.pairs) {
    for (const [suffix, variable] of [
      ['lora_a', pair.a],
      ['lora_b', pair.b],
    ] as const) {
      const { values } = await reader.readFloat32(`${weight}.${suffix}`);
      if (values.length !== variable.size)
        throw new Error(
          `${path}: ${weight}.${suffix} has ${values.length} values, the adapter ${variable.size}`,
        );
      tf.tidy(() => variable.assign(tf.tensor2d(values, variable.shape)));
    }
  }
}
