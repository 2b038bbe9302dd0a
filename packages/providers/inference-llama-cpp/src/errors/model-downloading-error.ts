import { StackError } from '@llama-stack-ts/core';

const localFileHint =
  "or set the model's provider_model_id (LLAMA_STACK_TS_MODEL in the local distribution) to a local GGUF file " +
  '(`llama-stack-ts models download <hf:owner/repo/file.gguf>` fetches one ahead of time).';

/**
 * 503: a registered `hf:` model is still being downloaded (in the background since start-up). The
 * message gives the progress and the ways out; `isRetryable` tells clients to try again later.
 */
export class ModelDownloadingError extends StackError {
  readonly modelId: string;

  constructor(options: { modelId: string; source: string; loaded: number; total: number | undefined }) {
    const progress =
      options.total && options.total > 0
        ? `${Math.floor((options.loaded / options.total) * 100)}%, ${megabytes(options.loaded)} of ${megabytes(options.total)}`
        : `${megabytes(options.loaded)} so far`;
    super(
      503,
      'model_downloading',
      `Model '${options.modelId}' is downloading (${options.source}, ${progress}); it is served once the download ` +
        `ends. Try again later, ${localFileHint}`,
    );
    this.name = 'ModelDownloadingError';
    this.modelId = options.modelId;
  }
}

/**
 * 503: a registered `hf:` model's background download failed (no network, a wrong file name, a
 * checksum mismatch). The message carries the download's own error and how to use a local file.
 */
export class ModelDownloadFailedError extends StackError {
  readonly modelId: string;

  constructor(options: { modelId: string; source: string; cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      503,
      'model_download_failed',
      `Model '${options.modelId}' is not available: the download of ${options.source} failed: ${reason} ` +
        `Restart the server to try again (an interrupted download resumes), ${localFileHint}`,
      { cause: options.cause },
    );
    this.name = 'ModelDownloadFailedError';
    this.modelId = options.modelId;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
