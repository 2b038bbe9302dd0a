import { parseRetryAfterMs } from './parse-retry-after.js';
import { upstreamAnswerOf } from './upstream-answer-of.js';

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** The statuses retried. Default 429 and 503: the remote says "later", not "never". */
  statuses?: readonly number[];
  /** The first backoff when the remote sends no `Retry-After`; doubled on each retry. Default 500 ms. */
  initialDelayMs?: number;
  /**
   * The longest wait before a retry. A `Retry-After` asking for more is not waited out: the answer
   * is passed on with it, so the client decides. Default 10 s.
   */
  maxDelayMs?: number;
}

/**
 * How long to wait before retrying after `error` on attempt `attempt` (0 for the first), or
 * `undefined` when the call is not retried. Only a non-2xx answer (`upstreamAnswerOf`) is ever retried:
 * a 2xx stream has been handed to the caller by then, so a stream that began is never sent twice.
 */
export function retryDelayMs(error: unknown, attempt: number, options: RetryOptions): number | undefined {
  const { maxRetries = 2, statuses = [429, 503], initialDelayMs = 500, maxDelayMs = 10_000 } = options;
  const answer = upstreamAnswerOf(error);
  if (!answer || attempt >= maxRetries || !statuses.includes(answer.status)) return undefined;
  const asked = parseRetryAfterMs(answer.responseHeaders?.['retry-after']);
  if (asked !== undefined) return asked <= maxDelayMs ? asked : undefined;
  return Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
}
