import { OverloadedError } from '@llama-stack-ts/core';

export interface SequenceLeaseQueueOptions {
  /** How many leases may be held at once (a model's parallel sequences). */
  slots: number;
  /** How many callers may wait for a slot; one more fails at once with `OverloadedError`. */
  maxWaiting: number;
  /** Names the model in the overload message. */
  name: string;
}

interface Waiter {
  resolve(release: () => void): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Hands out a bounded number of slots (a model's context sequences) first come first served,
 * with a bounded line of waiters behind them. A waiter whose signal aborts leaves the line at once;
 * a holder frees its slot by calling the release function it got (idempotent).
 */
export class SequenceLeaseQueue {
  readonly #options: SequenceLeaseQueueOptions;
  readonly #waiters: Waiter[] = [];
  #held = 0;
  #closedReason: unknown;
  #onIdle: (() => void) | undefined;

  constructor(options: SequenceLeaseQueueOptions) {
    if (options.slots < 1) throw new RangeError(`slots must be at least 1, got ${options.slots}`);
    this.#options = options;
  }

  /** Leases held now. */
  get held(): number {
    return this.#held;
  }

  /** Callers waiting for a slot now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Called each time the last lease is released with nobody waiting. */
  set onIdle(listener: (() => void) | undefined) {
    this.#onIdle = listener;
  }

  /**
   * Resolves to a release function once a slot is free. Rejects with `OverloadedError` when all
   * slots are held and the line is full, with the signal's reason when it aborts while waiting, or
   * with the close reason after `close()`.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#closedReason !== undefined) return Promise.reject(this.#closedReason);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#held < this.#options.slots) {
      this.#held++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiters.length >= this.#options.maxWaiting) {
      return Promise.reject(
        new OverloadedError(
          `Model is overloaded: '${this.#options.name}' is generating for ${this.#held} request(s) and ${this.#waiters.length} more are waiting (max_queue ${this.#options.maxWaiting}). Retry later, or raise parallel_sequences / max_queue.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
    });
  }

  /** Rejects every waiter and every later `acquire` with `reason`; held leases stay valid. */
  close(reason: unknown): void {
    this.#closedReason = reason;
    for (const waiter of this.#waiters.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) {
        // The slot passes straight to the next waiter: `held` stays the same.
        if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve(this.#releaser());
        return;
      }
      this.#held--;
      if (this.#held === 0) this.#onIdle?.();
    };
  }
}
