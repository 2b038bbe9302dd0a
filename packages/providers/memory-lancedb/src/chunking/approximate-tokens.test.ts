import { describe, expect, it } from 'vitest';
import { approximateTokenSpans, countApproximateTokens } from './approximate-tokens.js';

describe('approximate tokens', () => {
  it('counts a short word as one token and a long one per started 6 characters', () => {
    expect(countApproximateTokens('cat')).toBe(1);
    expect(countApproximateTokens('retrieval')).toBe(2);
    expect(countApproximateTokens('internationalization')).toBe(4);
  });

  it('counts punctuation one token each and whitespace as nothing', () => {
    expect(countApproximateTokens('Hello, world!')).toBe(4);
    expect(countApproximateTokens('  \n\t ')).toBe(0);
    expect(countApproximateTokens('')).toBe(0);
  });

  it('treats letters of any script as word characters', () => {
    expect(countApproximateTokens('café naïve')).toBe(2);
    expect(countApproximateTokens('日本語')).toBe(1);
  });

  it('gives spans that slice back to the tokens', () => {
    const text = 'A cat, sat.';
    expect([...approximateTokenSpans(text)].map(({ start, end }) => text.slice(start, end))).toEqual([
      'A',
      'cat',
      ',',
      'sat',
      '.',
    ]);
  });
});
