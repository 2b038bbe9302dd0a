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
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const next = reader.read();
        const { done, value } =
          options.timeoutMs === undefined
            ? await next
            : await Promise.race([
                next,
                new Promise<never>((_, reject) => {
                  timer = setTimeout(() => reject(options.onTimeout()), options.timeoutMs);
                }),
              ]);
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        reader.cancel(error).catch(() => {});
        controller.error(options.mapError(error));
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
