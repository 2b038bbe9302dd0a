import type { TokenLogprobs } from '@llama-stack-ts/core';
import type { UpstreamChatLogprobs, UpstreamCompletionLogprobs } from './upstream-openai-schemas.js';

/** A chat choice's `logprobs` as the stack's; `null` when the upstream sent none. */
export function fromChatLogprobs(logprobs: UpstreamChatLogprobs): TokenLogprobs | null {
  if (!logprobs?.content) return null;
  return {
    content: logprobs.content.map((entry) => ({
      token: entry.token,
      logprob: entry.logprob,
      top_logprobs: (entry.top_logprobs ?? []).map(({ token, logprob }) => ({ token, logprob })),
    })),
  };
}

/** A legacy completion choice's parallel lists as the stack's `logprobs`, alternatives most likely first. */
export function fromCompletionLogprobs(logprobs: UpstreamCompletionLogprobs): TokenLogprobs | null {
  if (!logprobs) return null;
  return {
    content: logprobs.tokens.map((token, index) => ({
      token,
      logprob: logprobs.token_logprobs[index] ?? 0,
      top_logprobs: Object.entries(logprobs.top_logprobs?.[index] ?? {})
        .map(([alternative, logprob]) => ({ token: alternative, logprob }))
        .sort((a, b) => b.logprob - a.logprob),
    })),
  };
}
