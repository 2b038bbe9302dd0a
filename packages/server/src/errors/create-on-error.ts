import type { ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorReporter } from './create-error-reporter.js';

/**
 * The `onError` of an app or a surface: every failure answered as `report` maps it, with
 * `Retry-After` when the error says when to try again.
 */
export function createOnError<Body>(report: ErrorReporter<Body>): ErrorHandler {
  return function onError(error, c) {
    const { status, body, retryAfterSeconds } = report(error, c);
    if (retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(retryAfterSeconds)));
    return c.json(body as object, status as ContentfulStatusCode);
  };
}
