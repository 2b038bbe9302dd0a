/**
 * Turns node-llama-cpp's callbacks (`onTextChunk`, `onFunctionCall`) into an `AsyncIterable`: the
 * producer pushes, the consumer pulls. When the consumer stops early (`break`, or the server closing
 * the stream of a client that left) the queue aborts its signal, so the generation behind it stops
 * and frees its sequence at once.
 */
export class AsyncChunkQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #abort = new AbortController();
  #waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  #ended = false;
  #failure: { error: unknown } | undefined;

  /** Aborted when the consumer stops iterating before the end. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  push(item: T): void {
    if (this.#ended) return;
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
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

  #settleWaiting(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    if (this.#failure) waiting.reject(this.#failure.error);
    else waiting.resolve({ value: undefined, done: true });
  }
}
