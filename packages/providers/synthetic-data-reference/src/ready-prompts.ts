/**
 * The prompts whose candidates are all generated, waiting to be scored: the generation workers
 * `add` them, the scoring loop `take`s all that are ready at once (waiting when none is).
 */
export class ReadyPrompts {
  #ready: number[] = [];
  #waiter: { resolve: (prompts: number[]) => void; reject: (error: unknown) => void } | undefined;
  #failure: { error: unknown } | undefined;

  add(prompt: number): void {
    this.#ready.push(prompt);
    this.#wake();
  }

  /** Every ready prompt, in the order they became ready; waits for one when none is. */
  take(): Promise<number[]> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ready.length > 0) return Promise.resolve(this.#ready.splice(0));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Makes the pending and later `take`s fail: generation stopped. */
  fail(error: unknown): void {
    this.#failure = { error };
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = undefined;
    waiter.resolve(this.#ready.splice(0));
  }
}
