import type { ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorReporter } from './create-error-reporter.js';

/** The `onError` of an app or a surface: every failure answered as `report` maps it. */
export function createOnError<Body>(report: ErrorReporter<Body>): ErrorHandler {
  return function onError(error, c) {
    const { status, body } = report(error, c);
    return c.json(body as object, status as ContentfulStatusCode);
  };
}
