import { f32Tensor, writeGguf } from './gguf/gguf-writer.js';
import type { LoraAdapter } from './lora.js';

/**
 * Writes `adapter` as a llama.cpp LoRA adapter GGUF (what convert_lora_to_gguf.py emits and
 * llama-adapter.cpp loads): `general.type=adapter`, `adapter.type=lora`, `adapter.lora.alpha`, and
 * per adapted weight `<name>.lora_a` (ne [in, rank]) and `<name>.lora_b` (ne [rank, out]) in f32.
 * llama.cpp scales B A by alpha / rank, as the trainer did.
 */
export async function writeLoraAdapterGguf(
  path: string,
  adapter: LoraAdapter,
  { architecture, name }: { architecture: string; name?: string },
): Promise<void> {
  const tensors = [...adapter.pairs].flatMap(([weight, pair]) => {
    const [rank, input] = pair.a.shape;
    const [output] = pair.b.shape;
    return [
      f32Tensor(`${weight}.lora_a`, [input, rank], pair.a.dataSync() as Float32Array),
      f32Tensor(`${weight}.lora_b`, [rank, output], pair.b.dataSync() as Float32Array),
    ];
  });
  await writeGguf(
    path,
    {
      'general.architecture': { type: 'string', value: architecture },
      'general.type': { type: 'string', value: 'adapter' },
      ...(name ? { 'general.name': { type: 'string', value: name } } : {}),
      'adapter.type': { type: 'string', value: 'lora' },
      'adapter.lora.alpha': { type: 'f32', value: adapter.config.alpha },
    },
    tensors,
  );
}
