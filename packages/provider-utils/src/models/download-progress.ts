/** Where a progress bar is drawn: `process.stderr` by default. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface DownloadProgressBarOptions {
  /** What is downloaded, e.g. `minishlab/potion-base-8M model.safetensors` or `Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx`. */
  label: string;
  stream?: ProgressStream;
  /** Milliseconds between two redraws on a terminal. Default 100. */
  redrawIntervalMs?: number;
}

/**
 * A one-line download progress bar. On a terminal it redraws in place (`\r`); elsewhere (logs, CI)
 * it writes one line at the start, at each quarter and at the end, so a log is not flooded.
 */
export class DownloadProgressBar {
  readonly #label: string;
  readonly #stream: ProgressStream;
  readonly #interval: number;
  #lastDraw = 0;
  #lastQuarter = -1;
  #loaded = 0;
  #total: number | undefined;
  #finished = false;

  constructor(options: DownloadProgressBarOptions) {
    this.#label = options.label;
    this.#stream = options.stream ?? process.stderr;
    this.#interval = options.redrawIntervalMs ?? 100;
  }

  /** `total` is undefined when the server sent no Content-Length. */
  update(loaded: number, total: number | undefined): void {
    if (this.#finished) return;
    this.#loaded = loaded;
    this.#total = total;
    if (this.#stream.isTTY) {
      const now = Date.now();
      if (now - this.#lastDraw < this.#interval) return;
      this.#lastDraw = now;
      this.#stream.write(`\r${this.#render()}\u001b[K`);
      return;
    }
    const quarter = total ? Math.floor((loaded / total) * 4) : 0;
    if (quarter > this.#lastQuarter && quarter < 4) {
      this.#lastQuarter = quarter;
      this.#stream.write(`${this.#render()}\n`);
    }
  }

  /** Draws the final state and ends the line; `failed` marks an interrupted download. */
  finish(failed = false): void {
    if (this.#finished) return;
    this.#finished = true;
    const line = failed ? `${this.#render()} failed` : this.#render(true);
    this.#stream.write(this.#stream.isTTY ? `\r${line}\u001b[K\n` : `${line}\n`);
  }

  #render(done = false): string {
    const total = this.#total;
    const loaded = done && total ? total : this.#loaded;
    const size = total ? `${formatBytes(loaded)}/${formatBytes(total)}` : formatBytes(loaded);
    if (!total) return `Downloading ${this.#label} ${size}`;
    const fraction = Math.min(1, loaded / total);
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    return `Downloading ${this.#label} [${bar}] ${Math.floor(fraction * 100)}% ${size}`;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
