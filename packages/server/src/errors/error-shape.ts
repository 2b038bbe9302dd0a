/** A status and body to answer with, and whether the failure is ours (logged as an error). */
export interface MappedError<Body> {
  status: number;
  body: Body;
  /** True when the failure is the server's or a provider's fault, not the client's. */
  internal: boolean;
  /** When the client may try again (the `Retry-After` header), where the error says. */
  retryAfterSeconds?: number;
}

import type { StackError } from '@llama-stack-ts/core';

/**
 * How one surface words its errors: the Llama Stack routes `{ error: { code, message, field,
 * request_id } }`, the OpenAI routes `{ error: { message, type, param, code } }`, the TGI routes
 * `{ error, error_type }`.
 */
export interface ErrorShape<Body> {
  /**
   * The status and body of a failure, as `toStackError` reads it: a `StackError` keeps its meaning;
   * `undefined` is the server's fault (a bug, a crash), answered without internal detail.
   */
  map(error: StackError | undefined, requestId: string): MappedError<Body>;
  /** The body of the 499 answered when the client closed the request before the answer. */
  clientClosed(requestId: string): Body;
}
