import { describe, expect, it } from 'vitest';
import { softmax } from './softmax.js';

describe('softmax', () => {
  it('is stable on large logits and sums to 1', () => {
    const probabilities = softmax([1000, 1000, 0]);
    expect(probabilities[0]).toBeCloseTo(0.5, 6);
    expect(probabilities.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 9);
  });

  it('keeps the order of the scores and spreads equal ones evenly', () => {
    expect(softmax([1, 2, 3]).map((value) => value.toFixed(4))).toEqual(['0.0900', '0.2447', '0.6652']);
    expect(softmax([-5, -5, -5, -5])).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
