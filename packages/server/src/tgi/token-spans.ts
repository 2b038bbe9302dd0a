import type { TokenizedToken } from '@llama-stack-ts/core';

/** How far past the expected position a token's text is looked for (after a byte-fallback token). */
const searchWindow = 8;

/**
 * Character offsets (`start`, `stop`) of each token in `input`, as TGI's `/tokenize` reports them.
 * Providers give each token's decoded text; it is found in the input from where the previous token
 * ended. Text a tokenizer adds (SentencePiece's leading space) is tolerated; a token whose text is
 * not in the input (a special token, a partial UTF-8 byte) gets an empty span.
 */
export function tokenSpans(
  input: string,
  tokens: readonly TokenizedToken[],
): { start: number; stop: number }[] {
  let cursor = 0;
  return tokens.map((token) => {
    const candidates = [token.text, token.text.trimStart()].filter((text) => text !== '');
    for (const text of candidates) {
      const found = input.indexOf(text, cursor);
      if (found !== -1 && found - cursor <= searchWindow) {
        cursor = found + text.length;
        return { start: found, stop: cursor };
      }
    }
    return { start: cursor, stop: cursor };
  });
}
