/**
 * Runs the turns of one session one after another, in the order they arrive. A turn reads the
 * session's history and appends to it, so two turns at once would both answer the same history and
 * fork it. Turns of different sessions still run in parallel. This orders the turns within one
 * server process; `takeSessionTurnLease` orders them across the processes sharing the store.
 */
export class SessionTurnQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Waits until the session's earlier turns have ended, then answers the function that ends this
   * one. When `signal` aborts first, this turn leaves the queue and the abort reason is thrown.
   */
  async enter(session: string, signal?: AbortSignal): Promise<() => void> {
    const previous = this.#tails.get(session) ?? Promise.resolve();
    let leave!: () => void;
    const left = new Promise<void>((resolve) => {
      leave = resolve;
    });
    const tail = previous.then(() => left);
    this.#tails.set(session, tail);
    void tail.then(() => {
      if (this.#tails.get(session) === tail) this.#tails.delete(session);
    });
    try {
      await untilAborted(previous, signal);
    } catch (error) {
      leave();
      throw error;
    }
    return leave;
  }

  /** Sessions with a turn running or waiting. */
  get size(): number {
    return this.#tails.size;
  }
}

function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    });
  });
}
