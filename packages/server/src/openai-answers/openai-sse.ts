import type { Context } from 'hono';
import { formatSseEvent } from '../streaming/format-sse-event.js';
import { streamSseResponse } from '../streaming/stream-sse-response.js';
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
