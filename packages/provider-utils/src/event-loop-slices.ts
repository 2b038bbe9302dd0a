/** How long a slice of work runs before it lets the event loop turn, by default. */
const defaultSliceMs = 10;

/**
 * Cuts long synchronous work (chunking megabytes of text, describing thousands of tokens) into
 * slices of a few milliseconds, between which timers, I/O and other requests run: heavy work then
 * delays the others by one slice per turn of the event loop, not by all of it, however many
 * requests do such work at once.
 *
 * @example
 * ```ts
 * const slices = new EventLoopSlices();
 * for (const item of items) {
 *   work(item);
 *   if (slices.due()) await slices.next(signal);
 * }
 * ```
 */
export class EventLoopSlices {
  readonly #sliceMs: number;
  #started = performance.now();

  constructor(sliceMs: number = defaultSliceMs) {
    this.#sliceMs = sliceMs;
  }

  /** Whether the current slice has run its time (cheap enough to ask per item). */
  due(): boolean {
    return performance.now() - this.#started >= this.#sliceMs;
  }

  /** Lets the event loop turn (I/O included), then starts the next slice; throws if `signal` was aborted meanwhile. */
  async next(signal?: AbortSignal): Promise<void> {
    const turn = lastTurn.then(nextLoopTurn);
    lastTurn = turn;
    await turn;
    signal?.throwIfAborted();
    this.#started = performance.now();
  }
}

/**
 * The turn of the event loop the latest waiting slice resumes on. Slices of all work in the process
 * resume one per turn: immediates queued together all run in one turn, so three requests chunking
 * at once would otherwise hold each turn, and every other request's I/O with it, for three slices.
 */
let lastTurn: Promise<void> = Promise.resolve();

function nextLoopTurn(): Promise<void> {
  // In Node, an immediate queued while the loop runs immediates runs on the next turn, after the
  // next I/O poll. Browsers (this export is browser-safe) have no immediates: a timer will do.
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}
