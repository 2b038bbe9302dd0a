import { describe, expect, it } from 'vitest';
import { countApproximateTokens } from './approximate-tokens.js';
import { chunkText } from './chunk-text.js';

const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`).join(' ');

describe('chunkText', () => {
  it('keeps a text shorter than a chunk whole', () => {
    expect(chunkText('One short sentence.', { chunkSizeInTokens: 10, overlapSizeInTokens: 2 })).toEqual([
      { text: 'One short sentence.', tokenCount: 5, start: 0, end: 19 },
    ]);
  });

  it('gives no chunk for empty or blank text', () => {
    expect(chunkText('', { chunkSizeInTokens: 10, overlapSizeInTokens: 0 })).toEqual([]);
    expect(chunkText(' \n ', { chunkSizeInTokens: 10, overlapSizeInTokens: 0 })).toEqual([]);
  });

  it('windows tokens with the overlap asked and never exceeds the chunk size', () => {
    const chunks = chunkText(words(25), { chunkSizeInTokens: 10, overlapSizeInTokens: 3 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      words(10),
      'w7 w8 w9 w10 w11 w12 w13 w14 w15 w16',
      'w14 w15 w16 w17 w18 w19 w20 w21 w22 w23',
      'w21 w22 w23 w24',
    ]);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(10);
      expect(countApproximateTokens(chunk.text)).toBe(chunk.tokenCount);
    }
  });

  it('covers every token of the text', () => {
    const text = words(101);
    const chunks = chunkText(text, { chunkSizeInTokens: 16, overlapSizeInTokens: 0 });
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text);
  });

  it('ends a window after a sentence end in its last quarter', () => {
    const text = 'a b c d e f g. h i j k l m n o p.';
    const chunks = chunkText(text, { chunkSizeInTokens: 10, overlapSizeInTokens: 0 });
    expect(chunks.map((chunk) => chunk.text)).toEqual(['a b c d e f g.', 'h i j k l m n o p.']);
  });

  it('keeps slicing mid-sentence when no sentence ends near the window end', () => {
    const text = 'a. b c d e f g h i j k l';
    const chunks = chunkText(text, { chunkSizeInTokens: 8, overlapSizeInTokens: 0 });
    expect(chunks[0]?.text).toBe('a. b c d e f g');
  });

  it('keeps line breaks of the source inside a chunk', () => {
    const [chunk] = chunkText('# Title\n\nBody text.', { chunkSizeInTokens: 50, overlapSizeInTokens: 0 });
    expect(chunk?.text).toBe('# Title\n\nBody text.');
  });

  it('rejects an overlap as large as the chunk', () => {
    expect(() => chunkText('x', { chunkSizeInTokens: 4, overlapSizeInTokens: 4 })).toThrow(
      /overlapSizeInTokens/,
    );
  });

  it('moves forward even with the largest overlap', () => {
    const chunks = chunkText(words(12), { chunkSizeInTokens: 4, overlapSizeInTokens: 3 });
    expect(chunks.map((chunk) => chunk.start)).toEqual(
      [...chunks.map((chunk) => chunk.start)].sort((a, b) => a - b),
    );
    expect(chunks).toHaveLength(9);
  });
});
