import { describe, expect, it } from 'vitest';
import { expectedScore } from './expected-score.js';

const token = (alternatives: [string, number][]) => ({
  token: alternatives[0]?.[0] ?? '',
  logprob: Math.log(alternatives[0]?.[1] ?? 1),
  top_logprobs: alternatives.map(([text, probability]) => ({ token: text, logprob: Math.log(probability) })),
});

describe('expectedScore', () => {
  it('weighs each allowed digit by its probability', () => {
    expect(
      expectedScore(
        token([
          ['2', 0.5],
          ['5', 0.5],
        ]),
        1,
        5,
      ),
    ).toBeCloseTo(3.5, 12);
    expect(
      expectedScore(
        token([
          ['4', 0.7],
          ['3', 0.2],
          ['1', 0.1],
        ]),
        1,
        5,
      ),
    ).toBeCloseTo(3.5, 12);
  });

  it('renormalises over the allowed digits, leaving out other tokens and digits out of range', () => {
    expect(
      expectedScore(
        token([
          ['5', 0.3],
          ['x', 0.4],
          ['9', 0.2],
          ['1', 0.1],
        ]),
        1,
        5,
      ),
    ).toBeCloseTo(4, 12);
  });

  it('adds up the tokens that spell the same digit', () => {
    expect(
      expectedScore(
        token([
          ['3', 0.6],
          [' 3', 0.2],
          ['1', 0.2],
        ]),
        1,
        5,
      ),
    ).toBeCloseTo(2.6, 12);
  });

  it('is undefined without log probabilities or allowed digits', () => {
    expect(expectedScore(undefined, 1, 5)).toBeUndefined();
    expect(expectedScore(token([['a', 1]]), 1, 5)).toBeUndefined();
  });
});
