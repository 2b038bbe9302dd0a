import { StackError } from '@llama-stack-ts/core';
import { parseRetryAfterMs } from './parse-retry-after.js';

export interface ApiCallErrorOptions {
  message: string;
  url: string;
  /** The HTTP status the remote answered with; the error carries it as its own status. */
  status: number;
  requestBodyValues?: unknown;
  responseHeaders?: Record<string, string>;
  /** The raw response body, for debugging. */
  responseBody?: string;
  /** The parsed error body, when it matched the error schema. */
  data?: unknown;
  cause?: unknown;
  /** Overrides the default derived from the status (408, 409, 429, 5xx). */
  isRetryable?: boolean;
}

/** A remote HTTP API answered with a 4xx or 5xx status. Carries the url, the status and the body. */
export class ApiCallError extends StackError {
  readonly url: string;
  readonly requestBodyValues: unknown;
  readonly responseHeaders: Record<string, string> | undefined;
  readonly responseBody: string | undefined;
  readonly data: unknown;
  readonly #isRetryable: boolean | undefined;

  constructor(options: ApiCallErrorOptions) {
    // A remote's `Retry-After` travels on, so a 429 passed to our client says when to try again.
    const retryAfterMs = parseRetryAfterMs(options.responseHeaders?.['retry-after']);
    super(options.status, 'api_call_error', options.message, {
      cause: options.cause,
      ...(retryAfterMs === undefined ? {} : { retryAfterSeconds: retryAfterMs / 1000 }),
    });
    this.name = 'ApiCallError';
    this.url = options.url;
    this.requestBodyValues = options.requestBodyValues;
    this.responseHeaders = options.responseHeaders;
    this.responseBody = options.responseBody;
    this.data = options.data;
    this.#isRetryable = options.isRetryable;
  }

  override get isRetryable(): boolean {
    return this.#isRetryable ?? super.isRetryable;
  }
}
