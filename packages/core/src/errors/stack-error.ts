const marker = 'llama-stack-ts.error';
const symbol = Symbol.for(marker);

export interface StackErrorOptions {
  /** The request field at fault, as a dotted path (`sampling_params.temperature`). */
  field?: string;
  /**
   * The values the message is built from (a not_found's `kind` and `id`…). The server sends them
   * beside the message, so a client rebuilds the error without parsing the message.
   */
  details?: Readonly<Record<string, string | number>>;
  /** When to try again, for a 429 or 503: sent as the `Retry-After` header, which OpenAI's and TGI's clients read. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * Base of every error the stack raises on purpose. Each carries the HTTP status the server answers
 * with and a stable `code`. `isInstance` works across duplicate installs of this package.
 */
export class StackError extends Error {
  protected readonly [symbol] = true;
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, string | number>> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, options: StackErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'StackError';
    this.status = status;
    this.code = code;
    this.field = options.field;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Whether the same request may succeed later (overload, a dependency down). */
  get isRetryable(): boolean {
    return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
  }

  static isInstance(error: unknown): error is StackError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
  }
}
