import { StackError } from '@llama-stack-ts/core';

/**
 * 503: a model file could not be downloaded from the hub (no network, a wrong id, a gated model).
 * Retryable; the message names the URL, the reason and how to provide the model offline instead.
 */
export class ModelDownloadError extends StackError {
  readonly url: string;

  constructor(options: {
    repoId: string;
    url: string;
    reason: string;
    cacheFolder: string;
    cause?: unknown;
  }) {
    super(
      503,
      'model_download_failed',
      `Cannot download ${options.url} (model '${options.repoId}'): ${options.reason}. ` +
        `Check the network and the model id, set HF_TOKEN for a gated model, or put the files in ${options.cacheFolder} ` +
        '(or any folder, and set provider_model_id to that path).',
      { cause: options.cause },
    );
    this.name = 'ModelDownloadError';
    this.url = options.url;
  }
}
