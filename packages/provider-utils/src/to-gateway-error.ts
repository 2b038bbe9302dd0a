import { StackError, UpstreamError } from '@llama-stack-ts/core';
import { isAbortError } from './is-abort-error.js';
import { upstreamAnswerOf } from './upstream-answer-of.js';

/**
 * A failure of a call to `upstream` as a gateway answers it to its own client: the upstream's 4xx
 * keeps its status and message (the client's request was at fault), and so does its 501 (it does
 * not implement the operation: a fact, not a failure); its other 5xx, a connection error or a
 * dropped stream becomes a 502 `UpstreamError` naming the upstream. An error rebuilt from the
 * upstream's answer (`upstreamAnswerOf`) counts as that answer. Other `StackError`s (a 504
 * `UpstreamTimeoutError`, a 502 `InvalidResponseError`) and aborts pass as they are.
 */
export function toGatewayError(error: unknown, upstream: string): unknown {
  const answer = upstreamAnswerOf(error);
  if (answer) {
    return answer.status < 500 || answer.status === 501
      ? error
      : new UpstreamError(upstream, answer.message, { cause: error });
  }
  if (StackError.isInstance(error) || isAbortError(error)) return error;
  // undici rejects with TypeError('fetch failed' or 'terminated') whose cause says why.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new UpstreamError(upstream, `the connection failed (${reason})`, { cause: error });
}
