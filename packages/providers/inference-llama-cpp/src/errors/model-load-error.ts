import { StackError } from '@llama-stack-ts/core';

/**
 * 503: llama.cpp could not load a model or create its context: not enough memory for the context
 * size and parallel sequences asked for, a file that is not a valid GGUF, or a GPU backend whose
 * binary does not load. Retryable (memory may free up); the message names the model, the settings
 * involved and which one to lower.
 */
export class ModelLoadError extends StackError {
  readonly modelId: string;

  constructor(options: { modelId: string; path: string; reason: string; hint: string; cause?: unknown }) {
    super(
      503,
      'model_load_failed',
      `Cannot load model '${options.modelId}' from ${options.path}: ${options.reason}. ${options.hint}`,
      {
        cause: options.cause,
      },
    );
    this.name = 'ModelLoadError';
    this.modelId = options.modelId;
  }
}
