import { InvalidRequestError } from '@llama-stack-ts/core';
import type { LlamaModel, LlamaText } from 'node-llama-cpp';

// GGUF token types (node-llama-cpp's GgufMetadataTokenizerTokenType, a const enum).
const controlTokenType = 3;
const byteTokenType = 6;

/**
 * The most characters (UTF-16 code units, as `String.length` counts) that one token of `model`
 * reads in plain text, from the vocabulary in its GGUF metadata: each token's text as written there
 * is at least as long as the text it stands for (SentencePiece writes a space as one `▁`, byte-level
 * BPE one character per UTF-8 byte). Control tokens never come out of plain text, and a byte token
 * (`<0x0A>`) reads one byte. llama.cpp loads its vocabulary from these keys, so every model it
 * loaded has them.
 */
export function longestTokenChars(model: LlamaModel): number {
  const { tokens, token_type: types } = model.fileInfo.metadata.tokenizer.ggml;
  let longest = 1;
  tokens.forEach((token, index) => {
    const type = types?.[index] as number | undefined;
    if (type === controlTokenType || type === byteTokenType) return;
    if (token.length > longest) longest = token.length;
  });
  return longest;
}

/** The characters of `text` that are tokenized as plain text: what the template adds is left out. */
export function plainTextLength(text: LlamaText): number {
  let length = 0;
  for (const value of text.values) if (typeof value === 'string') length += value.length;
  return length;
}

export interface PromptCharacterBound {
  /** The request field the text came from (`content`, `messages`, `contents.2`). */
  field: string;
  /** Characters of the text. */
  chars: number;
  /** The most tokens the text may take. */
  mostTokens: number;
  /** See `longestTokenChars`. */
  longestTokenChars: number;
  /** Why `mostTokens`: `model 'x' holds 2048 tokens (context_size), prompt and answer together`. */
  limit: string;
  /** How to get under it. */
  advice: string;
}

/**
 * Refuses, before it is tokenized, a text that cannot fit in `mostTokens`: no token reads more than
 * `longestTokenChars` characters, so a longer text holds more tokens than that. Tokenizing runs on
 * the event loop at about 1 µs a character (a 15 MB prompt stopped every other request for 11 s,
 * issue 14); this check costs nothing, and what passes it tokenizes in a few milliseconds on
 * models with short tokens.
 */
export function checkPromptCharacters(bound: PromptCharacterBound): void {
  const mostChars = bound.mostTokens * bound.longestTokenChars;
  if (bound.chars <= mostChars) return;
  throw new InvalidRequestError(
    bound.field,
    `is ${bound.chars} characters, more than the ${mostChars} that fit in ${bound.mostTokens} tokens: ${bound.limit}, and none of its tokens reads more than ${bound.longestTokenChars} characters. ${bound.advice}`,
  );
}
