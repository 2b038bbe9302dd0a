/** One candidate to generate: the `candidate`-th answer to prompt `prompt`. */
export interface CandidateTask {
  prompt: number;
  candidate: number;
}

/**
 * Hands a run's candidates to its concurrent workers so that a worker generates the k candidates of
 * one prompt one after another. Its llama.cpp sequence then still holds the prompt (the judge
 * continues the answer, it does not replace the prompt), and the next candidate reads none of it
 * again: a prompt is read once per worker instead of once per candidate. A worker done with its
 * prompt takes the next prompt nobody has started; when none is left, it takes a candidate of the
 * prompt with the most still to hand out, so a run of fewer prompts than workers (one prompt, k = 4)
 * still spreads over every worker, and the last prompts do not leave workers idle.
 */
export class CandidateSchedule {
  readonly #k: number;
  /** Per prompt, how many of its candidates were handed out. */
  readonly #handedOut: number[];
  #nextUnstarted = 0;

  constructor(prompts: number, k: number) {
    this.#k = k;
    this.#handedOut = new Array<number>(prompts).fill(0);
  }

  /** The next candidate for a worker whose last one was of prompt `current`; undefined once all are out. */
  next(current: number | undefined): CandidateTask | undefined {
    if (current !== undefined && this.#left(current) > 0) return this.#take(current);
    if (this.#nextUnstarted < this.#handedOut.length) return this.#take(this.#nextUnstarted++);
    let most: number | undefined;
    for (let prompt = 0; prompt < this.#handedOut.length; prompt++) {
      if (this.#left(prompt) > (most === undefined ? 0 : this.#left(most))) most = prompt;
    }
    return most === undefined ? undefined : this.#take(most);
  }

  #left(prompt: number): number {
    return this.#k - (this.#handedOut[prompt] ?? this.#k);
  }

  #take(prompt: number): CandidateTask {
    const candidate = this.#handedOut[prompt] ?? 0;
    this.#handedOut[prompt] = candidate + 1;
    return { prompt, candidate };
  }
}
