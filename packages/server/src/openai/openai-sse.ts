import type { Context } from 'hono';
import { formatSseEvent } from '../streaming/format-sse-event.js';
import { streamSseResponse } from '../streaming/stream-sse-response.js';
import { headOf, type ResponseHead } from './openai-ids.js';
import type { OpenAiUsage } from './openai-response-schemas.js';
import type { OpenAiRouteContext } from './openai-route-context.js';

/** How the OpenAI routes' events are framed, for the OpenAPI document. */
export const openAiEvents =
  'Server-Sent Events: each `data:` line holds one JSON chunk of the schema shown, and the stream ends ' +
  'with `data: [DONE]`; a failure after the stream started arrives as a `data:` line holding an ' +
  'OpenAiErrorResponse, then `data: [DONE]`.';

/** A streamed OpenAI answer: `chunks`, an error object as the last chunk on failure, then `[DONE]`. */
export function respondWithOpenAiStream(
  c: Context,
  context: OpenAiRouteContext,
  chunks: (signal: AbortSignal) => AsyncIterable<object>,
): Promise<Response> {
  return streamSseResponse(c, {
    start: chunks,
    errorFrame: (error) => formatSseEvent(context.report(error, c).body),
    trailer: 'data: [DONE]\n\n',
  });
}

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
