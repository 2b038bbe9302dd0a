import type { Context } from 'hono';

export interface RespondWithSseOptions {
  /**
   * Produces the events, each a complete frame (`data: …\n\n`). Pulled one at a time, so a slow
   * client slows generation down instead of filling memory. `signal` aborts when the client leaves.
   */
  frames(signal: AbortSignal): AsyncIterable<string>;
  /** The frame that ends the stream when `frames` fails after the first frame went out. */
  errorFrame(error: unknown): string;
  /** Sent after the last frame and after an error frame (OpenAI's `data: [DONE]\n\n`). */
  trailer?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/**
 * Answers with Server-Sent Events in a wire format the caller frames itself (OpenAI's and TGI's
 * differ in spacing, error frames and the `[DONE]` trailer).
 *
 * The first frame is produced before the response starts, so a failure before any output (an
 * unknown model, a bad parameter, an overloaded queue) is thrown to the route's error handler and
 * answered with its own status and body instead of a 200 followed by an error event.
 */
export async function respondWithSse(
  c: Context,
  { frames, errorFrame, trailer, headers = {} }: RespondWithSseOptions,
): Promise<Response> {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([c.req.raw.signal, cancelled.signal]);
  const iterator = frames(signal)[Symbol.asyncIterator]();

  let first: IteratorResult<string>;
  try {
    first = await iterator.next();
  } catch (error) {
    cancelled.abort(error);
    throw error;
  }

  const encoder = new TextEncoder();
  let ended = false;
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, frame?: string) => {
    if (ended) return;
    ended = true;
    if (frame) controller.enqueue(encoder.encode(frame));
    if (trailer) controller.enqueue(encoder.encode(trailer));
    controller.close();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) end(controller);
      else controller.enqueue(encoder.encode(first.value));
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) end(controller);
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        // After a disconnect there is no one left to tell.
        if (signal.aborted) {
          ended = true;
          controller.close();
        } else end(controller, errorFrame(error));
      }
    },
    cancel(reason) {
      cancelled.abort(reason ?? new Error('The client disconnected.'));
      // Not awaited: a generator waiting on its provider finishes once the signal reaches it.
      iterator.return?.().catch(() => {});
    },
  });

  return c.body(body, 200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    // Stops nginx and similar proxies from buffering the whole stream.
    'X-Accel-Buffering': 'no',
    ...headers,
  });
}
