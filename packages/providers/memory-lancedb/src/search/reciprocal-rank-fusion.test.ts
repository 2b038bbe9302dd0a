import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';

describe('reciprocalRankFusion', () => {
  it('ranks first a key both lists agree on and scores first-everywhere as 1', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['a', 'c', 'd'],
    ]);
    expect(fused.map((result) => result.key)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]?.score).toBeCloseTo(1, 10);
  });

  it('scores by 1 / (k + rank) summed over the lists', () => {
    const fused = reciprocalRankFusion([['x'], ['y', 'x']], 1);
    const x = fused.find((result) => result.key === 'x');
    expect(x?.score).toBeCloseTo((1 / 2 + 1 / 3) / (2 / 2), 10);
  });

  it('lifts a key found by both lists above one found high by one list only', () => {
    const fused = reciprocalRankFusion([
      ['only-vector', 'both'],
      ['only-keyword', 'both'],
    ]);
    expect(fused[0]?.key).toBe('both');
  });

  it('gives nothing for no lists', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
