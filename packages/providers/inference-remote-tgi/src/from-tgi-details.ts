import type { StopReason, TokenLogprob } from '@llama-stack-ts/core';
import type { UpstreamTgiToken } from './upstream-tgi-schemas.js';

/** TGI's `finish_reason` as the stack's stop reason: `length` ran out of tokens; `eos_token` and `stop_sequence` finished. */
export function fromTgiFinishReason(finishReason: string | null | undefined): StopReason {
  if (finishReason === 'length') return 'max_tokens';
  return finishReason ? 'finished_ok' : 'not_stopped';
}

/** A generated token and the most likely ones at its position, as the stack's `TokenLogprob`. */
export function toTokenLogprob(
  token: UpstreamTgiToken,
  topTokens: readonly UpstreamTgiToken[] = [],
): TokenLogprob {
  return {
    token: token.text,
    logprob: token.logprob ?? 0,
    ...(token.id === null || token.id === undefined ? {} : { token_id: token.id }),
    top_logprobs: topTokens.map((top) => ({
      token: top.text,
      logprob: top.logprob ?? 0,
      ...(top.id === null || top.id === undefined ? {} : { token_id: top.id }),
    })),
  };
}
