/** Where a progress bar is drawn: `process.stderr` by default. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** What is in progress, first on the line: `Downloading org/model model.gguf`, `Batch job-1`. */
  label: string;
  stream?: ProgressStream;
  /** Milliseconds between two redraws on a terminal. Default 100. */
  redrawIntervalMs?: number;
  /** How an amount is written: bytes, lines... Default: the number, then `unit` when given. */
  formatAmount?: (amount: number) => string;
  /** Written after the default amounts: `12/256 lines`. */
  unit?: string;
}

/**
 * A one-line progress bar. On a terminal it redraws in place (`\r`); elsewhere (logs, CI) it writes
 * one line at the start, at each quarter and at the end, so a log is not flooded.
 */
export class ProgressBar {
  readonly #label: string;
  readonly #stream: ProgressStream;
  readonly #interval: number;
  readonly #formatAmount: (amount: number) => string;
  readonly #unit: string;
  #lastDraw = 0;
  #lastQuarter = -1;
  #done = 0;
  #total: number | undefined;
  #finished = false;

  constructor(options: ProgressBarOptions) {
    this.#label = options.label;
    this.#stream = options.stream ?? process.stderr;
    this.#interval = options.redrawIntervalMs ?? 100;
    this.#formatAmount = options.formatAmount ?? String;
    this.#unit = options.formatAmount || !options.unit ? '' : ` ${options.unit}`;
  }

  /** `total` is undefined while it is unknown (a download without Content-Length). */
  update(done: number, total: number | undefined): void {
    if (this.#finished) return;
    this.#done = done;
    this.#total = total;
    if (this.#stream.isTTY) {
      const now = Date.now();
      if (now - this.#lastDraw < this.#interval) return;
      this.#lastDraw = now;
      this.#stream.write(`\r${this.#render()}\u001b[K`);
      return;
    }
    const quarter = total ? Math.floor((done / total) * 4) : 0;
    if (quarter > this.#lastQuarter && quarter < 4) {
      this.#lastQuarter = quarter;
      this.#stream.write(`${this.#render()}\n`);
    }
  }

  /** Draws the final state and ends the line; `failed` marks work that did not finish. */
  finish(failed = false): void {
    if (this.#finished) return;
    this.#finished = true;
    const line = failed ? `${this.#render()} failed` : this.#render(true);
    this.#stream.write(this.#stream.isTTY ? `\r${line}\u001b[K\n` : `${line}\n`);
  }

  #render(finished = false): string {
    const total = this.#total;
    const done = finished && total ? total : this.#done;
    const amount = total
      ? `${this.#formatAmount(done)}/${this.#formatAmount(total)}${this.#unit}`
      : `${this.#formatAmount(done)}${this.#unit}`;
    if (!total) return `${this.#label} ${amount}`;
    const fraction = Math.min(1, done / total);
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    return `${this.#label} [${bar}] ${Math.floor(fraction * 100)}% ${amount}`;
  }
}
