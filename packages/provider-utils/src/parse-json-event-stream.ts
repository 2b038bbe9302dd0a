import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { z } from 'zod';
import { ApiCallError } from './api-call-error.js';
import { parseJson, validateTypes } from './validate-types.js';

export interface ParseJsonEventStreamOptions<Schema extends z.ZodType> {
  /** The raw body, e.g. `response.body`. */
  stream: ReadableStream<Uint8Array>;
  /** Each `data:` payload is parsed as JSON and validated with this schema. */
  schema: Schema;
  /** Stops the iteration (and cancels the body) when aborted; the loop then throws `signal.reason`. */
  signal?: AbortSignal;
  /** Named in error messages. */
  url?: string;
  /**
   * Turns an `event: error` frame into the error the iteration throws. The default throws an
   * `ApiCallError` (502) whose message carries the frame's data.
   */
  onErrorEvent?: (event: EventSourceMessage) => Error;
}

/**
 * Reads a Server-Sent Events body as an async iterable of validated JSON chunks, one per `data:`
 * event. OpenAI's `data: [DONE]` terminator is dropped. A chunk that is not JSON or does not match
 * the schema throws an `InvalidResponseError`; an `event: error` frame throws too. Leaving the loop
 * early (break, throw, abort) cancels the body so the connection is released.
 */
export async function* parseJsonEventStream<Schema extends z.ZodType>({
  stream,
  schema,
  signal,
  url,
  onErrorEvent = (event) => defaultErrorEvent(event, url),
}: ParseJsonEventStreamOptions<Schema>): AsyncGenerator<z.output<Schema>, void, undefined> {
  signal?.throwIfAborted();
  // The parser is fed each read directly (no decoder and parser TransformStreams): every stage of
  // a web stream costs promise hops per chunk, which a relay pays once per streamed token.
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  // Filled synchronously while a read is fed: one read may complete several events, or none.
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  // A pending read() does not settle on its own when the signal fires unless the body is tied to
  // it (a fetch body is, an arbitrary stream is not), so cancel the reader ourselves.
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      for (const [index, event] of events.entries()) {
        // The consumer may abort while the events of one read are handed out.
        if (index > 0) signal?.throwIfAborted();
        if (event.event === 'error') throw onErrorEvent(event);
        if (event.data === '[DONE]') continue;
        yield validateTypes({ value: parseJson(event.data, url), schema, url });
      }
      events.length = 0;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function defaultErrorEvent(event: EventSourceMessage, url: string | undefined): Error {
  return new ApiCallError({
    message: `The event stream${url ? ` of ${url}` : ''} ended with an error event: ${event.data}`,
    url: url ?? '',
    status: 502,
    responseBody: event.data,
  });
}
