import type { TokenLogprob, TokenLogprobs } from '@llama-stack-ts/core';
import type {
  OpenAiChatLogprobs,
  OpenAiCompletionLogprobs,
  OpenAiTokenLogprob,
} from './openai-response-schemas.js';

const encoder = new TextEncoder();

function bytesOf(token: string): number[] {
  return [...encoder.encode(token)];
}

/** The chat form: one entry per token with its UTF-8 bytes and up to `topN` alternatives. */
export function toChatLogprobs(logprobs: TokenLogprobs | null | undefined, topN: number): OpenAiChatLogprobs {
  const content = (logprobs?.content ?? []).map(
    (entry: TokenLogprob): OpenAiTokenLogprob => ({
      token: entry.token,
      logprob: entry.logprob,
      bytes: bytesOf(entry.token),
      top_logprobs: entry.top_logprobs
        .slice(0, topN)
        .map((top) => ({ token: top.token, logprob: top.logprob, bytes: bytesOf(top.token) })),
    }),
  );
  return { content, refusal: null };
}

/**
 * The legacy completion form: parallel lists, alternatives as `{ token: logprob }` maps, and each
 * token's character offset in prompt-and-completion text, counted from `firstOffset`.
 */
export function toCompletionLogprobs(
  logprobs: TokenLogprobs | null | undefined,
  topN: number,
  firstOffset: number,
): OpenAiCompletionLogprobs {
  const result: OpenAiCompletionLogprobs = {
    tokens: [],
    token_logprobs: [],
    top_logprobs: [],
    text_offset: [],
  };
  let offset = firstOffset;
  for (const entry of logprobs?.content ?? []) {
    result.tokens.push(entry.token);
    result.token_logprobs.push(entry.logprob);
    result.top_logprobs.push(
      Object.fromEntries(entry.top_logprobs.slice(0, topN).map((top) => [top.token, top.logprob])),
    );
    result.text_offset.push(offset);
    offset += entry.token.length;
  }
  return result;
}
