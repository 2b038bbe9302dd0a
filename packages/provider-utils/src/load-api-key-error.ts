import { StackError } from '@llama-stack-ts/core';

/** A remote provider needs an API key and none was given, by option or environment variable. */
export class LoadApiKeyError extends StackError {
  constructor(message: string) {
    super(500, 'missing_api_key', message);
    this.name = 'LoadApiKeyError';
  }

  /** Retrying cannot help: the configuration has to change. */
  override get isRetryable(): boolean {
    return false;
  }
}
