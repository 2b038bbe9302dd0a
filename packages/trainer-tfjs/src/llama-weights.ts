import { GgufTensorReader } from './gguf/gguf-tensor-reader.js';
import { type LlamaHyperparameters, llamaHyperparameters } from './llama-hyperparameters.js';
import { type ProjectionWeight, QuantizedMatrix } from './quantized-matrix.js';
import { tf } from './tfjs-engine.js';

/** One transformer block's weights; matrices are `[out, in]`, as ggml stores them row by row. */
export interface LlamaBlockWeights {
  attnNorm: tf.Tensor1D;
  ffnNorm: tf.Tensor1D;
  /** By GGUF tensor name (`blk.N.attn_q.weight`...): the projections LoRA can adapt. */
  projections: Record<LlamaBlockProjection, ProjectionWeight>;
}

export const llamaBlockProjections = [
  'attn_q',
  'attn_k',
  'attn_v',
  'attn_output',
  'ffn_gate',
  'ffn_up',
  'ffn_down',
] as const;
export type LlamaBlockProjection = (typeof llamaBlockProjections)[number];

export interface LlamaWeights {
  hyperparameters: LlamaHyperparameters;
  /** `[vocabulary, embedding]`. */
  tokenEmbedding: tf.Tensor2D;
  blocks: LlamaBlockWeights[];
  outputNorm: tf.Tensor1D;
  /** `[vocabulary, embedding]`; the token embedding itself when the model ties them. */
  output: ProjectionWeight;
}

/** The GGUF tensor name of block `block`'s projection. */
export function blockTensorName(block: number, projection: LlamaBlockProjection): string {
  return `blk.${block}.${projection}.weight`;
}

/**
 * Loads a llama-architecture GGUF's weights as f32 tensors; with `keepQuantized` (QLoRA) the
 * projection matrices and an untied output head stay as their file bytes, dequantized per use.
 */
export async function loadLlamaWeights(
  path: string,
  { keepQuantized = false }: { keepQuantized?: boolean } = {},
): Promise<LlamaWeights> {
  // Tensors are created on the active backend, which must have finished initializing.
  await tf.ready();
  const reader = await GgufTensorReader.open(path);
  const hyperparameters = llamaHyperparameters(reader.info);
  const vector = async (name: string) => tf.tensor1d((await reader.readFloat32(name)).values);
  const matrix = async (name: string) => {
    const { shape, values } = await reader.readFloat32(name);
    if (shape.length !== 2) throw new Error(`${path}: ${name} has ${shape.length} dimensions, expected 2`);
    return tf.tensor2d(values, [shape[1] as number, shape[0] as number]);
  };
  const projection = async (name: string): Promise<ProjectionWeight> =>
    keepQuantized ? new QuantizedMatrix(await reader.read(name)) : matrix(name);
  const blocks: LlamaBlockWeights[] = [];
  for (let block = 0; block < hyperparameters.blockCount; block++) {
    const projections = {} as Record<LlamaBlockProjection, ProjectionWeight>;
    for (const name of llamaBlockProjections)
      projections[name] = await projection(blockTensorName(block, name));
    blocks.push({
      attnNorm: await vector(`blk.${block}.attn_norm.weight`),
      ffnNorm: await vector(`blk.${block}.ffn_norm.weight`),
      projections,
    });
  }
  const tokenEmbedding = await matrix('token_embd.weight');
  return {
    hyperparameters: { ...hyperparameters, vocabularySize: tokenEmbedding.shape[0] },
    tokenEmbedding,
    blocks,
    outputNorm: await vector('output_norm.weight'),
    output: reader.has('output.weight') ? await projection('output.weight') : tokenEmbedding,
  };
}

export function disposeLlamaWeights(weights: LlamaWeights): void {
  const projections = weights.blocks
    .flatMap((block) => Object.values(block.projections))
    .concat(weights.output);
  tf.dispose([
    weights.tokenEmbedding,
    weights.outputNorm,
    ...weights.blocks.flatMap((block) => [block.attnNorm, block.ffnNorm]),
    ...projections.filter((weight): weight is tf.Tensor2D => !(weight instanceof QuantizedMatrix)),
  ]);
}
