import { headOf, type ResponseHead } from './openai-ids.js';
import type { OpenAiUsage } from './openai-response-schemas.js';

/**
 * Builds the chunks of one streamed answer: the head fields, the choices, and with
 * `stream_options.include_usage` a `usage` that is null on every chunk but the last.
 */
export function chunkFactory<Choice>(
  head: ResponseHead,
  object: 'chat.completion.chunk' | 'text_completion',
  includeUsage: boolean,
): (choices: Choice[], usage?: OpenAiUsage) => object {
  return (choices, usage) => ({
    ...headOf(head, object),
    choices,
    ...(includeUsage ? { usage: usage ?? null } : {}),
  });
}
