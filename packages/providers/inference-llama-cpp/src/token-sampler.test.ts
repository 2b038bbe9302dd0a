import { describe, expect, it } from 'vitest';
import { TokenSampler } from './token-sampler.js';

const distribution = new Map([
  [10, 0.5],
  [11, 0.3],
  [12, 0.15],
  [13, 0.05],
  [14, 0],
]);

function counts(sampler: TokenSampler, draws: number): Map<number, number> {
  const result = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const token = sampler.pick(distribution);
    result.set(token, (result.get(token) ?? 0) + 1);
  }
  return result;
}

describe('TokenSampler', () => {
  it('picks the most likely token at temperature 0', () => {
    expect(new TokenSampler({ temperature: 0, topK: 0, topP: 1 }).pick(distribution)).toBe(10);
  });

  it('repeats its picks for the same seed and differs for another', () => {
    const picks = (seed: number) => {
      const sampler = new TokenSampler({ temperature: 1, topK: 0, topP: 1, seed });
      return Array.from({ length: 40 }, () => sampler.pick(distribution));
    };
    expect(picks(7)).toEqual(picks(7));
    expect(picks(7)).not.toEqual(picks(8));
  });

  it('draws in proportion to the probabilities at temperature 1, never a ruled-out token', () => {
    const seen = counts(new TokenSampler({ temperature: 1, topK: 0, topP: 1, seed: 1 }), 20_000);
    expect((seen.get(10) ?? 0) / 20_000).toBeCloseTo(0.5, 1);
    expect((seen.get(13) ?? 0) / 20_000).toBeCloseTo(0.05, 1);
    expect(seen.has(14)).toBe(false);
  });

  it('keeps only the top k tokens', () => {
    const seen = counts(new TokenSampler({ temperature: 1, topK: 2, topP: 1, seed: 2 }), 2_000);
    expect([...seen.keys()].sort()).toEqual([10, 11]);
  });

  it('keeps the smallest nucleus reaching top_p', () => {
    // 0.5 + 0.3 = 0.8 reaches 0.75: tokens 10 and 11 only.
    const seen = counts(new TokenSampler({ temperature: 1, topK: 0, topP: 0.75, seed: 3 }), 2_000);
    expect([...seen.keys()].sort()).toEqual([10, 11]);
  });

  it('sharpens the distribution at a low temperature', () => {
    const seen = counts(new TokenSampler({ temperature: 0.2, topK: 0, topP: 1, seed: 4 }), 2_000);
    expect((seen.get(10) ?? 0) / 2_000).toBeGreaterThan(0.9);
  });
});
