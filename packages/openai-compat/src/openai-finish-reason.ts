import type { StopReason } from '@llama-stack-ts/core';
import type { FinishReason } from './openai-response-schemas.js';

/** The stack's stop reason as OpenAI's `finish_reason`. */
export function toFinishReason(
  stopReason: StopReason | null | undefined,
  hasToolCalls = false,
): FinishReason {
  if (stopReason === 'max_tokens' || stopReason === 'not_stopped') return 'length';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
