import type { GgufFileInfo } from 'node-llama-cpp';

/** What the forward pass needs to know about a llama model, from its GGUF metadata. */
export interface LlamaHyperparameters {
  architecture: string;
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  headCount: number;
  headCountKv: number;
  headDimension: number;
  rmsNormEpsilon: number;
  /** Leading dimensions of each head that RoPE rotates (llama.cpp's n_rot). */
  ropeDimensionCount: number;
  ropeFreqBase: number;
  /** Positions are multiplied by this before rotation: 1 / `rope.scaling.factor` for linear scaling. */
  ropeFreqScale: number;
  vocabularySize: number;
}

/** Architectures whose tensors and RoPE the trainer's forward pass reproduces. */
export const trainableArchitectures = ['llama'] as const;

export class UnsupportedArchitectureError extends Error {
  override name = 'UnsupportedArchitectureError';
}

type MetadataRecord = Record<string, unknown>;

function at(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) value = (value as MetadataRecord | undefined)?.[key];
  return typeof value === 'bigint' ? Number(value) : value;
}

export function llamaHyperparameters(info: GgufFileInfo): LlamaHyperparameters {
  const metadata = info.metadata as unknown as MetadataRecord;
  const architecture = String(at(metadata, 'general.architecture'));
  if (!(trainableArchitectures as readonly string[]).includes(architecture))
    throw new UnsupportedArchitectureError(
      `architecture ${architecture} cannot be trained; the trainer supports ${trainableArchitectures.join(', ')}`,
    );
  const arch = metadata[architecture];
  const required = (path: string): number => {
    const value = at(arch, path);
    if (typeof value !== 'number') throw new Error(`GGUF metadata ${architecture}.${path} is missing`);
    return value;
  };
  const optional = (path: string, fallback: number): number => {
    const value = at(arch, path);
    return typeof value === 'number' ? value : fallback;
  };
  const embeddingLength = required('embedding_length');
  const headCount = required('attention.head_count');
  const headDimension = optional('attention.key_length', embeddingLength / headCount);
  const scalingType = at(arch, 'rope.scaling.type');
  if (scalingType !== undefined && scalingType !== 'none' && scalingType !== 'linear')
    throw new UnsupportedArchitectureError(
      `RoPE scaling ${String(scalingType)} is not supported by the trainer`,
    );
  const scalingFactor = scalingType === 'linear' ? optional('rope.scaling.factor', 1) : 1;
  const tokens = at(metadata, 'tokenizer.ggml.tokens');
  return {
    architecture,
    embeddingLength,
    blockCount: required('block_count'),
    feedForwardLength: required('feed_forward_length'),
    headCount,
    headCountKv: optional('attention.head_count_kv', headCount),
    headDimension,
    rmsNormEpsilon: required('attention.layer_norm_rms_epsilon'),
    ropeDimensionCount: optional('rope.dimension_count', headDimension),
    ropeFreqBase: optional('rope.freq_base', 10_000),
    ropeFreqScale: scalingFactor > 0 ? 1 / scalingFactor : 1,
    vocabularySize: optional('vocab_size', Array.isArray(tokens) ? tokens.length : 0),
  };
}
