import type { Context } from 'hono';
import { formatSseEvent } from './format-sse-event.js';

export interface StreamSseResponseOptions {
  /** Starts the provider's stream; `signal` aborts when the client disconnects. */
  start(signal: AbortSignal): AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>;
  /** The body of the final `event: error` sent when the stream fails after it started. */
  errorEvent(error: unknown): unknown;
}

/**
 * Answers with a Server-Sent Events stream: one `data:` line of JSON per chunk. The stream is
 * pulled, so a slow client slows the provider down instead of filling memory.
 *
 * The first chunk is awaited before the response starts, so a failure before anything was produced
 * (an unknown model, a bad parameter) is thrown and answered with its own status instead of a 200
 * followed by an error event. A later failure ends the stream with `event: error` and the JSON error
 * body. When the client disconnects, the provider's signal aborts and its iterator is closed.
 */
export async function streamSseResponse(
  c: Context,
  { start, errorEvent }: StreamSseResponseOptions,
): Promise<Response> {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([c.req.raw.signal, cancelled.signal]);

  let iterator: AsyncIterator<unknown>;
  let first: IteratorResult<unknown>;
  try {
    iterator = (await start(signal))[Symbol.asyncIterator]();
    first = await iterator.next();
  } catch (error) {
    cancelled.abort(error);
    throw error;
  }

  // A generator parked at `yield` never sees the signal: close it as soon as the client is gone, so
  // its `finally` blocks release what it holds without waiting for a read that will not come.
  signal.addEventListener('abort', () => void iterator.return?.().catch(() => {}), { once: true });

  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else controller.enqueue(encoder.encode(formatSseEvent(first.value)));
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(formatSseEvent(next.value)));
      } catch (error) {
        // After a disconnect there is no one left to tell.
        if (!signal.aborted) controller.enqueue(encoder.encode(formatSseEvent(errorEvent(error), 'error')));
        controller.close();
      }
    },
    cancel(reason) {
      // Closes the iterator through the listener above.
      cancelled.abort(reason ?? new Error('The client disconnected.'));
    },
  });

  return c.body(body, 200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    // Stops nginx and similar proxies from buffering the whole stream.
    'X-Accel-Buffering': 'no',
  });
}
