/**
 * Turns node-llama-cpp's callbacks (`onTextChunk`, `onFunctionCall`) into an `AsyncIterable`: the
 * producer pushes, the consumer pulls. When the consumer stops early (`break`, or the server closing
 * the stream of a client that left) the queue aborts its signal, so the generation behind it stops
 * and frees its sequence at once.
 *
 * A consumer already waiting gets a pushed item one event-loop turn later, not at once. The push
 * comes from inside node-llama-cpp's generation loop, which then asks for the next token; that
 * decode starts in a `setImmediate` (node-llama-cpp's default batch dispatch, "nextCycle"). Handing
 * the item over at once would run the whole way out (metrics, SSE formatting, the socket write) on
 * the main thread before that decode starts, every token; handed over after it, that work runs while
 * llama.cpp decodes on its own thread. Items still arrive in order and before the end or the failure.
 */
export class AsyncChunkQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #abort = new AbortController();
  #waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #handOverScheduled = false;

  /** Aborted when the consumer stops iterating before the end. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    if (this.#waiting && !this.#handOverScheduled) {
      this.#handOverScheduled = true;
      // Two hops: an immediate queued now would run before the one node-llama-cpp is about to queue.
      setImmediate(this.#scheduleHandOver);
    }
  }

  /** No more items; the consumer finishes after those queued. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settleWaiting();
  }

  /** The producer failed; the consumer gets the queued items, then the error. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = { error };
    this.#settleWaiting();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#failure) return Promise.reject(this.#failure.error);
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.#waiting = { resolve, reject };
        });
      },
      return: () => {
        if (!this.#ended) this.#abort.abort(new Error('The stream consumer stopped reading.'));
        this.#ended = true;
        this.#items.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  readonly #scheduleHandOver = () => setImmediate(this.#handOver);

  readonly #handOver = () => {
    this.#handOverScheduled = false;
    this.#settleWaiting();
  };

  /** Gives a waiting consumer the next item, else the failure or the end, if there is one. */
  #settleWaiting(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    const item = this.#items.shift();
    if (item === undefined && !this.#ended) return;
    this.#waiting = undefined;
    if (item !== undefined) waiting.resolve({ value: item, done: false });
    else if (this.#failure) waiting.reject(this.#failure.error);
    else waiting.resolve({ value: undefined, done: true });
  }
}
