import { describe, expect, it } from 'vitest';
import { normalizeL2, poolTokens, splitRows } from './pooling.js';

// Two sentences, three positions, two dimensions; the second sentence has one padding position.
const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, /* second */ 10, 0, 20, -4, 99, 99]);
const dims = [2, 3, 2] as const;
const mask = [1n, 1n, 1n, 1n, 1n, 0n];

describe('poolTokens', () => {
  it('mean averages the kept tokens and ignores padding', () => {
    const [first, second] = poolTokens(hidden, dims, mask, 'mean');
    expect([...first!]).toEqual([3, 4]);
    expect([...second!]).toEqual([15, -2]);
  });

  it('cls takes the first token, last_token the last kept one', () => {
    expect(poolTokens(hidden, dims, mask, 'cls').map((vector) => [...vector])).toEqual([
      [1, 2],
      [10, 0],
    ]);
    expect(poolTokens(hidden, dims, mask, 'last_token').map((vector) => [...vector])).toEqual([
      [5, 6],
      [20, -4],
    ]);
  });

  it('max takes the per-dimension maximum over kept tokens', () => {
    expect(poolTokens(hidden, dims, mask, 'max').map((vector) => [...vector])).toEqual([
      [5, 6],
      [20, 0],
    ]);
  });

  it('mean_sqrt_len divides the sum by the square root of the count', () => {
    const [, second] = poolTokens(hidden, dims, [1, 1, 1, 1, 1, 0], 'mean_sqrt_len');
    expect(second![0]).toBeCloseTo(30 / Math.SQRT2, 5);
  });

  it('reads an int64 mask (as transformers.js gives it) as its values, gaps and high bits included', () => {
    // The first sentence skips its middle token; 2^32 is non-zero only in the high half.
    const typed = BigInt64Array.from([1n, 0n, 2n ** 32n, 1n, 1n, 0n]);
    const [first, second] = poolTokens(hidden, dims, typed, 'mean');
    expect([...first!]).toEqual([3, 4]);
    expect([...second!]).toEqual([15, -2]);
    expect(poolTokens(hidden, dims, typed, 'max').map((vector) => [...vector])).toEqual([
      [5, 6],
      [20, 0],
    ]);
    const offset = new BigInt64Array(7);
    offset.set([1n, 1n, 0n, 0n, 1n, 1n], 1);
    expect(poolTokens(hidden, dims, offset.subarray(1), 'last_token').map((vector) => [...vector])).toEqual([
      [3, 4],
      [99, 99],
    ]);
  });

  it('gives a fully masked row the zero vector', () => {
    const [, second] = poolTokens(hidden, dims, [1, 1, 1, 0, 0, 0], 'mean');
    expect([...second!]).toEqual([0, 0]);
  });
});

describe('normalizeL2 and splitRows', () => {
  it('scales to unit length and leaves zero alone', () => {
    expect([...normalizeL2(Float32Array.from([3, 4]))]).toEqual([0.6000000238418579, 0.800000011920929]);
    expect([...normalizeL2(Float32Array.from([0, 0]))]).toEqual([0, 0]);
  });

  it('splits a pooled [batch, hidden] tensor', () => {
    expect(splitRows(Float32Array.from([1, 2, 3, 4]), [2, 2]).map((row) => [...row])).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
