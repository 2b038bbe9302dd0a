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
  const keep = maskFlags(attentionMask);
  const vectors: Float32Array[] = [];
  for (let item = 0; item < batch; item++) {
    const vector = new Float32Array(size);
    const base = item * sequence * size;
    const first = item * sequence;
    let count = 0;
    let last = -1;
    for (let position = 0; position < sequence; position++) {
      if (keep[first + position]) {
        count++;
        last = position;
      }
    }
    if (count === 0) {
      vectors.push(vector);
      continue;
    }
    switch (pooling) {
      case 'cls':
      case 'last_token': {
        const position = pooling === 'cls' ? 0 : last;
        vector.set(hidden.subarray(base + position * size, base + position * size + size));
        break;
      }
      case 'max': {
        vector.fill(Number.NEGATIVE_INFINITY);
        for (let position = 0; position <= last; position++) {
          if (!keep[first + position]) continue;
          const offset = base + position * size;
          for (let index = 0; index < size; index++)
            vector[index] = Math.max(vector[index]!, hidden[offset + index]!);
        }
        break;
      }
      case 'mean':
      case 'mean_sqrt_len': {
        const sum = new Float64Array(size);
        addKeptRows(hidden, keep, first, base, last, size, sum);
        const divisor = pooling === 'mean' ? count : Math.sqrt(count);
        for (let index = 0; index < size; index++) vector[index] = sum[index]! / divisor;
        break;
      }
    }
    vectors.push(vector);
  }
  return vectors;
}

/** Adds to `sum` the token vectors of one item at the positions up to `last` that `keep` marks. */
function addKeptRows(
  hidden: Float32Array,
  keep: Uint8Array,
  first: number,
  base: number,
  last: number,
  size: number,
  sum: Float64Array,
): void {
  for (let position = 0; position <= last; position++) {
    if (!keep[first + position]) continue;
    const offset = base + position * size;
    for (let index = 0; index < size; index++) sum[index]! += hidden[offset + index]!;
  }
}

/**
 * 1 where the attention mask is non-zero. transformers.js hands the mask over as int64: reading a
 * `BigInt64Array` entry makes a BigInt each time, so its two 32-bit halves are read instead.
 */
function maskFlags(mask: ArrayLike<number | bigint>): Uint8Array {
  const flags = new Uint8Array(mask.length);
  if (mask instanceof BigInt64Array || mask instanceof BigUint64Array) {
    const words = new Int32Array(mask.buffer, mask.byteOffset, mask.length * 2);
    for (let index = 0; index < flags.length; index++) {
      flags[index] = words[2 * index]! !== 0 || words[2 * index + 1]! !== 0 ? 1 : 0;
    }
  } else {
    for (let index = 0; index < flags.length; index++) flags[index] = Number(mask[index]) !== 0 ? 1 : 0;
  }
  return flags;
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
