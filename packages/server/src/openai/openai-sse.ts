import type { Context } from 'hono';
import { reportOpenAiError } from './openai-error.js';
import { headOf } from './openai-ids.js';
import type { OpenAiUsage, ResponseHead } from './openai-response-types.js';
import type { OpenAiRouteContext } from './openai-route-context.js';
import { respondWithSse } from './respond-with-sse.js';

export function sseFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** A streamed OpenAI answer: `frames`, an error object as the last frame on failure, then `[DONE]`. */
export function respondWithOpenAiStream(
  c: Context,
  context: OpenAiRouteContext,
  frames: (signal: AbortSignal) => AsyncIterable<string>,
): Promise<Response> {
  return respondWithSse(c, {
    frames,
    errorFrame: (error) => sseFrame(reportOpenAiError(error, c, context.logger).body),
    trailer: 'data: [DONE]\n\n',
  });
}

/**
 * Frames the chunks of one streamed answer: the head fields, the choices, and with
 * `stream_options.include_usage` a `usage` that is null on every chunk but the last.
 */
export function chunkFramer<Choice>(
  head: ResponseHead,
  object: 'chat.completion.chunk' | 'text_completion',
  includeUsage: boolean,
): (choices: Choice[], usage?: OpenAiUsage) => string {
  return (choices, usage) =>
    sseFrame({ ...headOf(head, object), choices, ...(includeUsage ? { usage: usage ?? null } : {}) });
}
