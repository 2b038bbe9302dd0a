import type {
  CompletionResponseStreamChunk,
  StopReason,
  TokenLogprob,
  TopLogprob,
} from '@llama-stack-ts/core';
import type { TgiFinishReason, TgiToken } from './tgi-response-schemas.js';

/**
 * The stack's stop reason as TGI's. The stack does not tell a stop sequence from an end-of-sequence
 * token, so a normal stop reads `eos_token`.
 */
export function toTgiFinishReason(stopReason: StopReason | null | undefined): TgiFinishReason {
  return stopReason === 'max_tokens' || stopReason === 'not_stopped' ? 'length' : 'eos_token';
}

/** A generated token with its log probability (`id` 0 when the provider does not report ids). */
export function toTgiToken(entry: TokenLogprob): TgiToken {
  return {
    id: entry.token_id ?? 0,
    text: entry.token,
    logprob: entry.logprob,
    special: entry.special ?? false,
  };
}

export function toTgiTopToken(entry: TopLogprob): TgiToken {
  return { id: entry.token_id ?? 0, text: entry.token, logprob: entry.logprob, special: false };
}

/** One TGI stream event's token and the alternatives at its position. */
export interface StreamedToken {
  token: TgiToken;
  topTokens: TgiToken[];
}

/**
 * The tokens a stream chunk stands for, one TGI event each. A chunk whose log-probability entries
 * spell its text exactly becomes one event per entry; any other chunk is one event with the
 * chunk's text (the log probabilities of its entries added up, as they are for a joint event).
 * A chunk with neither text nor entries stands for no token.
 */
export function streamedTokens(chunk: CompletionResponseStreamChunk, topN: number): StreamedToken[] {
  const entries = chunk.logprobs?.content ?? [];
  const topOf = (entry: TokenLogprob | undefined) =>
    topN > 0 && entry ? entry.top_logprobs.slice(0, topN).map(toTgiTopToken) : [];
  if (entries.length > 1 && entries.map((entry) => entry.token).join('') === chunk.text_delta) {
    return entries.map((entry) => ({ token: toTgiToken(entry), topTokens: topOf(entry) }));
  }
  if (entries.length === 0 && chunk.text_delta === '') return [];
  const [first] = entries;
  return [
    {
      token: {
        id: first?.token_id ?? 0,
        text: chunk.text_delta,
        logprob: entries.length > 0 ? entries.reduce((sum, entry) => sum + entry.logprob, 0) : null,
        special: entries.length === 1 ? (first?.special ?? false) : false,
      },
      topTokens: topOf(first),
    },
  ];
}
