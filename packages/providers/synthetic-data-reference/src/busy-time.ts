/**
 * Wall time during which at least one piece of some work was in flight (overlapping pieces count
 * once): how long a run spent generating, and how long scoring, when the two overlap.
 */
export class BusyTime {
  #active = 0;
  #since = 0;
  #total = 0;

  /** Runs `work`, counting the time it is in flight. */
  async time<Result>(work: () => Promise<Result>): Promise<Result> {
    if (this.#active++ === 0) this.#since = performance.now();
    try {
      return await work();
    } finally {
      if (--this.#active === 0) this.#total += performance.now() - this.#since;
    }
  }

  get ms(): number {
    return this.#total + (this.#active > 0 ? performance.now() - this.#since : 0);
  }
}
