import type { Context } from 'hono';
import { formatSseEvent } from './format-sse-event.js';

export interface StreamSseResponseOptions<Chunk> {
  /** Starts the stream; `signal` aborts when the client disconnects. */
  start(signal: AbortSignal): AsyncIterable<Chunk> | Promise<AsyncIterable<Chunk>>;
  /** The event of one chunk. Default `formatSseEvent`: `data: <json>\n\n`. */
  frame?(chunk: Chunk): string;
  /** The event that ends a stream failing after it started, in the surface's error shape. */
  errorFrame(error: unknown): string;
  /** Sent after the last event, and after an error event (OpenAI's `data: [DONE]\n\n`). */
  trailer?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/**
 * Answers with a Server-Sent Events stream, for every surface: the Llama Stack routes, OpenAI's
 * (ending with `data: [DONE]`) and TGI's (`data:` with no space). The stream is pulled, so a slow
 * client slows the provider down instead of filling memory.
 *
 * The first chunk is awaited before the response starts, so a failure before anything was produced
 * (an unknown model, a bad parameter, a full queue) is thrown to the surface's error handler and
 * answered with its own status instead of a 200 followed by an error event. A later failure ends
 * the stream with `errorFrame`. When the client disconnects, the signal aborts and the iterator is
 * closed.
 */
export async function streamSseResponse<Chunk>(
  c: Context,
  { start, frame = formatSseEvent, errorFrame, trailer = '', headers = {} }: StreamSseResponseOptions<Chunk>,
): Promise<Response> {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([c.req.raw.signal, cancelled.signal]);

  let iterator: AsyncIterator<Chunk>;
  let first: IteratorResult<Chunk>;
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
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, last = '') => {
    if (last + trailer) controller.enqueue(encoder.encode(last + trailer));
    controller.close();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) end(controller);
      else controller.enqueue(encoder.encode(frame(first.value)));
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) end(controller);
        else controller.enqueue(encoder.encode(frame(next.value)));
      } catch (error) {
        // After a disconnect there is no one left to tell.
        if (signal.aborted) controller.close();
        else end(controller, errorFrame(error));
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
    // As Hono's own streamSSE says it: @hono/node-server otherwise probes a body of unknown length
    // for a second chunk, waiting a timer tick, before it sends the head and the first event.
    'Transfer-Encoding': 'chunked',
    // Stops nginx and similar proxies from buffering the whole stream.
    'X-Accel-Buffering': 'no',
    ...headers,
  });
}
