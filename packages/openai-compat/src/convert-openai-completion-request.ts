import { CompletionRequest, type CompletionRequestInput, parseRequest } from '@llama-stack-ts/core';
import { withOpenAiParams } from './core-field-to-param.js';
import { stopList } from './openai-common-schemas.js';
import type { CompletionCreateRequest } from './openai-completion-schemas.js';
import { toSamplingParams } from './openai-sampling.js';

/** OpenAI's default `max_tokens` for the legacy completion API. */
export const defaultCompletionMaxTokens = 16;

/** One prompt of a legacy completion request as the stack's `CompletionRequest` (raw prompt, no template). */
export function toCompletionRequest(
  request: CompletionCreateRequest,
  model: string,
  prompt: string,
  choiceIndex = 0,
): CompletionRequest {
  const stop = stopList(request.stop);
  const input: CompletionRequestInput = {
    model,
    content: prompt,
    sampling_params: toSamplingParams(request, choiceIndex),
    max_tokens: request.max_tokens ?? defaultCompletionMaxTokens,
    logprobs:
      request.logprobs !== null && request.logprobs !== undefined
        ? { top_k: Math.max(1, request.logprobs) }
        : false,
    ...(stop ? { stop } : {}),
  };
  return withOpenAiParams(() => parseRequest(CompletionRequest, input));
}
