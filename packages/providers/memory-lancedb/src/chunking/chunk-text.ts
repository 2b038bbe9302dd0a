import { approximateTokenSpans, type TokenSpan } from './approximate-tokens.js';

export interface ChunkTextOptions {
  /** Most tokens in one chunk (approximate tokens, see `approximate-tokens.ts`). */
  chunkSizeInTokens: number;
  /** Tokens the next chunk repeats from the end of the previous one; smaller than the chunk size. */
  overlapSizeInTokens: number;
}

export interface TextChunk {
  /** The chunk, sliced from the text as written (whitespace and line breaks kept). */
  text: string;
  tokenCount: number;
  /** Character offsets of the chunk in the text (`end` exclusive). */
  start: number;
  end: number;
}

/**
 * Splits text into windows of at most `chunkSizeInTokens` tokens, each starting
 * `overlapSizeInTokens` tokens before the previous one ended. A window that would cut a sentence
 * ends instead after the last sentence end (`.`, `!`, `?`, or a blank line) in its final quarter,
 * so chunks read as whole sentences when the text allows it.
 */
export function chunkText(text: string, options: ChunkTextOptions): TextChunk[] {
  const { chunkSizeInTokens: size, overlapSizeInTokens: overlap } = options;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunkSizeInTokens must be >= 1, got ${size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw new RangeError(
      `overlapSizeInTokens must be >= 0 and < chunkSizeInTokens (${size}), got ${overlap}`,
    );
  }
  const spans = approximateTokenSpans(text);
  const chunks: TextChunk[] = [];
  let first = 0;
  while (first < spans.length) {
    let last = Math.min(first + size, spans.length); // exclusive
    if (last < spans.length) last = sentenceBoundary(text, spans, first, last);
    const start = spans[first]!.start;
    const end = spans[last - 1]!.end;
    chunks.push({ text: text.slice(start, end), tokenCount: last - first, start, end });
    if (last >= spans.length) break;
    first = Math.max(first + 1, last - overlap);
  }
  return chunks;
}

/** The exclusive token index to end a window at: after a sentence end in its last quarter, if any. */
function sentenceBoundary(text: string, spans: TokenSpan[], first: number, last: number): number {
  const earliest = first + Math.max(1, Math.ceil(((last - first) * 3) / 4));
  for (let end = last; end >= earliest; end -= 1) {
    const token = spans[end - 1]!;
    const next = spans[end]!;
    const character = text[token.start]!;
    if (
      (token.end - token.start === 1 && '.!?'.includes(character)) ||
      isBlankLine(text, token.end, next.start)
    ) {
      return end;
    }
  }
  return last;
}

function isBlankLine(text: string, from: number, to: number): boolean {
  const gap = text.slice(from, to);
  return gap.indexOf('\n') !== gap.lastIndexOf('\n');
}
