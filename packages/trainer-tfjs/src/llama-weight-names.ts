import { blockTensorName, type LlamaWeights, llamaBlockProjections } from './llama-weights.js';
import type { ProjectionWeight } from './quantized-matrix.js';
import type { tf } from './tfjs-engine.js';

/**
 * Every weight of `weights` by its GGUF tensor name, in the file's usual order. A tied output head
 * is the token embedding and is listed once, under `token_embd.weight`.
 */
export function llamaNamedWeights(weights: LlamaWeights): Map<string, tf.Tensor | ProjectionWeight> {
  const named = new Map<string, tf.Tensor | ProjectionWeight>([
    ['token_embd.weight', weights.tokenEmbedding],
    ['output_norm.weight', weights.outputNorm],
  ]);
  if (weights.output !== weights.tokenEmbedding) named.set('output.weight', weights.output);
  weights.blocks.forEach((block, index) => {
    named.set(`blk.${index}.attn_norm.weight`, block.attnNorm);
    named.set(`blk.${index}.ffn_norm.weight`, block.ffnNorm);
    for (const projection of llamaBlockProjections)
      named.set(blockTensorName(index, projection), block.projections[projection]);
  });
  return named;
}
