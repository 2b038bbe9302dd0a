import { ApiCallError } from './api-call-error.js';

/**
 * The upstream's non-2xx answer behind `error`: the `ApiCallError` itself, or the one a response
 * handler kept as the `cause` of the error it rebuilt from the body (the typed client rebuilds a
 * llama-stack-ts server's `NotFoundError`). `undefined` for anything else: a timeout, a dropped
 * connection, an invalid 2xx body.
 */
export function upstreamAnswerOf(error: unknown): ApiCallError | undefined {
  if (error instanceof ApiCallError) return error;
  if (error instanceof Error && error.cause instanceof ApiCallError) return error.cause;
  return undefined;
}
