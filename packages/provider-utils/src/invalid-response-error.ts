import { StackError } from '@llama-stack-ts/core';

/**
 * 502: a remote answered 2xx with a body we cannot use (not JSON, or not the expected shape). The
 * message names the url and the first offending path of the response, so the mismatch can be found.
 */
export class InvalidResponseError extends StackError {
  readonly url: string | undefined;
  /** Dotted path inside the response (or chunk) that failed validation; `(root)` for the value itself. */
  readonly path: string | undefined;
  readonly value: unknown;

  constructor(options: { url?: string; path?: string; reason: string; value?: unknown; cause?: unknown }) {
    const where = options.url ? `The response of ${options.url}` : 'A response';
    const at = options.path ? ` at '${options.path}'` : '';
    super(502, 'invalid_response', `${where} is not what was expected${at}: ${options.reason}`, {
      cause: options.cause,
    });
    this.name = 'InvalidResponseError';
    this.url = options.url;
    this.path = options.path;
    this.value = options.value;
  }
}
