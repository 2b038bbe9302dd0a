import { approximateTokenSpans } from './approximate-tokens.js';

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
  return [...chunkTextSteps(text, options)].filter((step) => step !== undefined);
}

/**
 * `chunkText` a step at a time: each chunk as it is cut, and `undefined` every few thousand tokens
 * of the scan before the first one, where a caller may let the event loop turn (see
 * `EventLoopSlices`): a 10 MiB document takes about a second to chunk.
 */
export function* chunkTextSteps(text: string, options: ChunkTextOptions): Generator<TextChunk | undefined> {
  const { chunkSizeInTokens: size, overlapSizeInTokens: overlap } = options;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunkSizeInTokens must be >= 1, got ${size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw new RangeError(
      `overlapSizeInTokens must be >= 0 and < chunkSizeInTokens (${size}), got ${overlap}`,
    );
  }
  // Offsets in two typed arrays, not an object per token: a 10 MiB document has two million tokens,
  // and as objects they kept the garbage collector busy for tenths of a second. Sized for the most
  // tokens the text can have (one per character): growing arrays copied megabytes at a time, which
  // held the event loop for 50-80 ms per copy where fresh memory is slow to touch; the pages of
  // these are touched as the scan reaches them, between the pause points.
  const starts = new Int32Array(text.length);
  const ends = new Int32Array(text.length);
  let count = 0;
  for (const span of approximateTokenSpans(text)) {
    starts[count] = span.start;
    ends[count] = span.end;
    if (++count % scanStep === 0) yield undefined;
  }
  let first = 0;
  while (first < count) {
    let last = Math.min(first + size, count); // exclusive
    if (last < count) last = sentenceBoundary(text, starts, ends, first, last);
    const start = starts[first]!;
    const end = ends[last - 1]!;
    yield { text: text.slice(start, end), tokenCount: last - first, start, end };
    if (last >= count) break;
    first = Math.max(first + 1, last - overlap);
  }
}

/** Tokens scanned between two pause points of `chunkTextSteps`. */
const scanStep = 4096;

/** The exclusive token index to end a window at: after a sentence end in its last quarter, if any. */
function sentenceBoundary(
  text: string,
  starts: Int32Array,
  ends: Int32Array,
  first: number,
  last: number,
): number {
  const earliest = first + Math.max(1, Math.ceil(((last - first) * 3) / 4));
  for (let end = last; end >= earliest; end -= 1) {
    const tokenStart = starts[end - 1]!;
    const tokenEnd = ends[end - 1]!;
    if (
      (tokenEnd - tokenStart === 1 && '.!?'.includes(text[tokenStart]!)) ||
      isBlankLine(text, tokenEnd, starts[end]!)
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
