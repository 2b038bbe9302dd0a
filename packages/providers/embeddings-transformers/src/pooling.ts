/** How token vectors become one sentence vector (sentence-transformers' pooling modes). */
export type Pooling = 'mean' | 'cls' | 'max' | 'last_token' | 'mean_sqrt_len';
export const poolingModes: readonly Pooling[] = ['mean', 'cls', 'max', 'last_token', 'mean_sqrt_len'];

/**
 * Pools a `[batch, sequence, hidden]` tensor of token vectors into `batch` sentence vectors, reading
 * only the positions whose attention mask is 1 (padding never counts):
 * - `mean`: the average of the kept tokens (all-MiniLM, e5, gte, nomic);
 * - `cls`: the first token (bge, mxbai, arctic-embed);
 * - `max`: the per-dimension maximum;
 * - `last_token`: the last kept token (decoder-based embedders);
 * - `mean_sqrt_len`: the sum divided by the square root of the token count.
 */
export function poolTokens(
  hidden: Float32Array,
  dims: readonly [number, number, number],
  attentionMask: ArrayLike<number | bigint>,
  pooling: Pooling,
): Float32Array[] {
  const [batch, sequence, size] = dims;
  const vectors: Float32Array[] = [];
  for (let item = 0; item < batch; item++) {
    const vector = new Float32Array(size);
    const base = item * sequence * size;
    const kept: number[] = [];
    for (let position = 0; position < sequence; position++) {
      if (Number(attentionMask[item * sequence + position]) !== 0) kept.push(position);
    }
    if (kept.length === 0) {
      vectors.push(vector);
      continue;
    }
    switch (pooling) {
      case 'cls':
      case 'last_token': {
        const position = pooling === 'cls' ? 0 : kept[kept.length - 1]!;
        vector.set(hidden.subarray(base + position * size, base + position * size + size));
        break;
      }
      case 'max': {
        vector.fill(Number.NEGATIVE_INFINITY);
        for (const position of kept) {
          const offset = base + position * size;
          for (let index = 0; index < size; index++)
            vector[index] = Math.max(vector[index]!, hidden[offset + index]!);
        }
        break;
      }
      case 'mean':
      case 'mean_sqrt_len': {
        const sum = new Float64Array(size);
        for (const position of kept) {
          const offset = base + position * size;
          for (let index = 0; index < size; index++) sum[index]! += hidden[offset + index]!;
        }
        const divisor = pooling === 'mean' ? kept.length : Math.sqrt(kept.length);
        for (let index = 0; index < size; index++) vector[index] = sum[index]! / divisor;
        break;
      }
    }
    vectors.push(vector);
  }
  return vectors;
}

/** Splits a `[batch, hidden]` tensor (a graph that pools itself) into one vector per item. */
export function splitRows(data: Float32Array, dims: readonly [number, number]): Float32Array[] {
  const [batch, size] = dims;
  return Array.from({ length: batch }, (_, item) => data.slice(item * size, item * size + size));
}

/** The vector scaled to unit L2 norm (a zero vector stays zero). */
export function normalizeL2(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const scale = 1 / Math.max(Math.sqrt(squares), 1e-12);
  return vector.map((value) => value * scale);
}
