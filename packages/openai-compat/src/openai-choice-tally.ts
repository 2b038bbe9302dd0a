import type { CompletionResponseStreamChunk, StopReason, TokenUsage } from '@llama-stack-ts/core';
import type { OpenAiUsage } from './openai-response-schemas.js';
import { UsageTotals } from './openai-usage.js';

/** What a streamed choice has reported so far, for its `finish_reason` and the request's usage. */
export interface ChoiceTally {
  stopReason: StopReason | null | undefined;
  usage: TokenUsage | undefined;
  /** Tokens seen: log-probability entries, else one per text piece (for providers that report no usage). */
  counted: number;
}

export function newChoiceTally(): ChoiceTally {
  return { stopReason: undefined, usage: undefined, counted: 0 };
}

/** Records a provider chunk in its choice's tally; returns how many log-probability entries it carries. */
export function tallyChunk(
  tally: ChoiceTally,
  chunk: Pick<CompletionResponseStreamChunk, 'text_delta' | 'logprobs' | 'stop_reason' | 'usage'>,
): number {
  const entries = chunk.logprobs?.content.length ?? 0;
  tally.counted += entries > 0 ? entries : chunk.text_delta ? 1 : 0;
  if (chunk.stop_reason) tally.stopReason = chunk.stop_reason;
  if (chunk.usage) tally.usage = chunk.usage;
  return entries;
}

/** The usage of every choice together; `firstOfPrompt(index)` says whose prompt tokens count. */
export function totalUsage(
  tallies: readonly ChoiceTally[],
  firstOfPrompt: (index: number) => boolean,
): OpenAiUsage {
  const usage = new UsageTotals();
  for (const [index, tally] of tallies.entries()) usage.add(tally.usage, tally.counted, firstOfPrompt(index));
  return usage.toJSON();
}
