import { StackError, UpstreamError } from '@llama-stack-ts/core';
import { ApiCallError } from './api-call-error.js';
import { isAbortError } from './is-abort-error.js';

/**
 * A failure of a call to `upstream` as a gateway answers it to its own client: the upstream's 4xx
 * keeps its status and message (the client's request was at fault); its 5xx, a connection error or
 * a dropped stream becomes a 502 `UpstreamError` naming the upstream. Other `StackError`s (a 504
 * `UpstreamTimeoutError`, a 502 `InvalidResponseError`) and aborts pass as they are.
 */
export function toGatewayError(error: unknown, upstream: string): unknown {
  if (error instanceof ApiCallError) {
    return error.status < 500 ? error : new UpstreamError(upstream, error.message, { cause: error });
  }
  if (StackError.isInstance(error) || isAbortError(error)) return error;
  // undici rejects with TypeError('fetch failed' or 'terminated') whose cause says why.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new UpstreamError(upstream, `the connection failed (${reason})`, { cause: error });
}
