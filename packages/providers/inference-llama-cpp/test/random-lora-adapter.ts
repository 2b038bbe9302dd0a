import {
  disposeLlamaWeights,
  LoraAdapter,
  loadLlamaWeights,
  tf,
  useTfjsBackend,
  writeLoraAdapterGguf,
} from '@llama-stack-ts/trainer-tfjs';

/**
 * Writes a LoRA adapter GGUF for the llama GGUF at `basePath` (what post-training writes), with
 * random B matrices: a fresh adapter has B = 0 and changes nothing, this one changes the output.
 */
export async function writeRandomLoraAdapter(
  basePath: string,
  adapterPath: string,
  seed: number,
): Promise<void> {
  await useTfjsBackend();
  const weights = await loadLlamaWeights(basePath);
  const adapter = LoraAdapter.create(
    weights,
    { rank: 4, alpha: 8, attnModules: ['q_proj', 'v_proj'], applyToMlp: true, applyToOutput: true },
    seed,
  );
  try {
    for (const pair of adapter.pairs.values()) {
      pair.b.assign(tf.randomNormal(pair.b.shape, 0, 0.5, 'float32', seed));
    }
    await writeLoraAdapterGguf(adapterPath, adapter, { architecture: 'llama' });
  } finally {
    adapter.dispose();
    disposeLlamaWeights(weights);
  }
}
