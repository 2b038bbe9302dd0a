import type { StopReason } from '@llama-stack-ts/core';

/** OpenAI's `finish_reason` as the stack's stop reason: `length` ran out of tokens, the rest finished. */
export function fromFinishReason(finishReason: string | null | undefined): StopReason {
  if (finishReason === 'length') return 'max_tokens';
  return finishReason ? 'finished_ok' : 'not_stopped';
}
