import { ProgressBar, type ProgressStream } from '../progress-bar.js';

export interface DownloadProgressBarOptions {
  /** What is downloaded, e.g. `minishlab/potion-base-8M model.safetensors` or `Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx`. */
  label: string;
  stream?: ProgressStream;
  /** Milliseconds between two redraws on a terminal. Default 100. */
  redrawIntervalMs?: number;
}

/** A download's progress bar: `Downloading <label> [###---] 50% 1.0 KB/2.0 KB`. */
export class DownloadProgressBar extends ProgressBar {
  constructor(options: DownloadProgressBarOptions) {
    super({ ...options, label: `Downloading ${options.label}`, formatAmount: formatBytes });
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
