import { describe, expect, it } from 'vitest';
import { keyedRandom } from '../keyed-random.js';
import { type FilterSettings, filterCandidates } from './filter-candidates.js';

const settings = (overrides: Partial<FilterSettings> = {}): FilterSettings => ({
  topK: 1,
  topP: 0.9,
  threshold: 0,
  sigmoidTemperature: 1,
  ...overrides,
});

// Softmax of ln(w) is w / Σw: these scores normalise to exactly [0.1, 0.4, 0.2, 0.3].
const scores = [Math.log(1), Math.log(4), Math.log(2), Math.log(3)];
const always = (value: number) => () => value;

describe('filterCandidates', () => {
  it('none keeps every candidate, in order', () => {
    expect(filterCandidates('none', scores, settings(), always(0))).toEqual([0, 1, 2, 3]);
    expect(filterCandidates('none', [], settings(), always(0))).toEqual([]);
  });

  it('top_k returns exactly k, best first, ties in candidate order', () => {
    expect(filterCandidates('top_k', scores, settings({ topK: 1 }), always(0))).toEqual([1]);
    expect(filterCandidates('top_k', scores, settings({ topK: 2 }), always(0))).toEqual([1, 3]);
    expect(filterCandidates('top_k', scores, settings({ topK: 3 }), always(0))).toEqual([1, 3, 2]);
    expect(filterCandidates('top_k', [2, 5, 2, 5], settings({ topK: 3 }), always(0))).toEqual([1, 3, 0]);
    expect(filterCandidates('top_k', scores, settings({ topK: 9 }), always(0))).toEqual([1, 3, 2, 0]);
  });

  it('top_p returns the minimal set whose normalised scores reach p', () => {
    const topP = (p: number) => filterCandidates('top_p', scores, settings({ topP: p }), always(0));
    expect(topP(0.1)).toEqual([1]);
    expect(topP(0.4)).toEqual([1]);
    expect(topP(0.41)).toEqual([1, 3]);
    expect(topP(0.7)).toEqual([1, 3]);
    expect(topP(0.71)).toEqual([1, 3, 2]);
    expect(topP(0.9)).toEqual([1, 3, 2]);
    expect(topP(0.91)).toEqual([1, 3, 2, 0]);
    expect(topP(1)).toEqual([1, 3, 2, 0]);
  });

  it('top_p normalises any real scores (logits, negatives) with a softmax', () => {
    // [-10, 0, 0]: the two zeros hold almost all the mass, just under half each.
    expect(filterCandidates('top_p', [-10, 0, 0], settings({ topP: 0.49 }), always(0))).toEqual([1]);
    expect(filterCandidates('top_p', [-10, 0, 0], settings({ topP: 0.5 }), always(0))).toEqual([1, 2]);
    expect(filterCandidates('top_p', [-10, 0, 0], settings({ topP: 0.9 }), always(0))).toEqual([1, 2]);
    // Equal scores: each holds 1/4, so p = 0.6 needs three.
    expect(filterCandidates('top_p', [3, 3, 3, 3], settings({ topP: 0.6 }), always(0))).toEqual([0, 1, 2]);
  });

  it('top_k_top_p keeps no more than either would', () => {
    const both = (k: number, p: number) =>
      filterCandidates('top_k_top_p', scores, settings({ topK: k, topP: p }), always(0));
    expect(both(3, 0.5)).toEqual([1, 3]); // top_p's two
    expect(both(1, 0.9)).toEqual([1]); // top_k's one
    expect(both(2, 1)).toEqual([1, 3]);
    expect(both(4, 1)).toEqual([1, 3, 2, 0]);
  });

  it('random keeps one candidate, the one the draw points at', () => {
    expect(filterCandidates('random', scores, settings(), always(0))).toEqual([0]);
    expect(filterCandidates('random', scores, settings(), always(0.5))).toEqual([2]);
    expect(filterCandidates('random', scores, settings(), always(0.999))).toEqual([3]);
  });

  it('random is reproducible with a seed, and reaches every candidate over seeds', () => {
    const pick = (seed: number) =>
      filterCandidates('random', scores, settings(), keyedRandom(seed, 'filter', 0));
    expect(pick(42)).toEqual(pick(42));
    expect(pick(42)).toHaveLength(1);
    const picked = new Set(Array.from({ length: 64 }, (_, seed) => pick(seed)[0]));
    expect([...picked].sort()).toEqual([0, 1, 2, 3]);
  });

  it('sigmoid keeps each candidate with probability sigmoid((score - threshold) / temperature)', () => {
    // sigmoid(0) = 0.5, sigmoid(10) ≈ 0.99995, sigmoid(-10) ≈ 0.00005.
    const sigmoid = (draw: number, overrides: Partial<FilterSettings> = {}) =>
      filterCandidates('sigmoid', [0, 10, -10], settings(overrides), always(draw));
    expect(sigmoid(0.49)).toEqual([0, 1]);
    expect(sigmoid(0.51)).toEqual([1]);
    expect(sigmoid(0.00001)).toEqual([0, 1, 2]);
    // The threshold moves the midpoint; a higher temperature softens the cut: sigmoid(10 / 100) ≈ 0.525.
    expect(sigmoid(0.49, { threshold: 10 })).toEqual([1]);
    expect(sigmoid(0.52, { sigmoidTemperature: 100 })).toEqual([1]);
    expect(sigmoid(0.53, { sigmoidTemperature: 100 })).toEqual([]);
  });

  it('sigmoid is reproducible with a seed and keeps about the expected share', () => {
    const atThreshold = Array.from({ length: 2000 }, () => 1.5);
    const keep = (seed: number) =>
      filterCandidates('sigmoid', atThreshold, settings({ threshold: 1.5 }), keyedRandom(seed, 'filter', 0));
    expect(keep(7)).toEqual(keep(7));
    expect(keep(7)).not.toEqual(keep(8));
    expect(keep(7).length).toBeGreaterThan(900);
    expect(keep(7).length).toBeLessThan(1100);
  });
});
