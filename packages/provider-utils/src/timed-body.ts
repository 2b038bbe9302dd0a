/**
 * `body` with a read timeout: when the remote sends nothing for `timeoutMs` while the consumer
 * waits for the next chunk, the stream fails with `onTimeout()`'s error and the request is aborted
 * (so the connection closes). Read failures go through `mapError`. Cancelling the returned stream
 * cancels `body`, which closes the connection: that is how a client leaving reaches the remote.
 */
export function timedBody(
  body: ReadableStream<Uint8Array>,
  options: { timeoutMs?: number; onTimeout: () => Error; mapError: (error: unknown) => unknown },
): ReadableStream<Uint8Array> {
  const { timeoutMs, onTimeout, mapError } = options;
  const reader = body.getReader();
  // One timer for the whole body, re-armed at each read (a relay reads once per streamed token):
  // it fires only while a read waits, and cancels the body, which settles that read. Between reads
  // it is unref'd, so a body left unread does not keep the process alive.
  let waiting = false;
  let timedOut: Error | undefined;
  let timer: NodeJS.Timeout | undefined;
  const expire = () => {
    if (!waiting) return;
    timedOut = onTimeout();
    reader.cancel(timedOut).catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      waiting = true;
      if (timeoutMs !== undefined) {
        if (timer) timer.refresh().ref();
        else timer = setTimeout(expire, timeoutMs);
      }
      try {
        const { done, value } = await reader.read();
        if (timedOut) throw timedOut;
        if (done) {
          clearTimeout(timer);
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        clearTimeout(timer);
        reader.cancel(error).catch(() => {});
        controller.error(mapError(timedOut ?? error));
      } finally {
        waiting = false;
        timer?.unref();
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  });
}
