import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { ErrorShape, MappedError } from './error-shape.js';
import { requestIdOf } from './request-id-of.js';
import { toStackError } from './to-stack-error.js';

/** Maps a failure of request `c` to its answer in one surface's shape, logging it when it is ours. */
export type ErrorReporter<Body> = (error: unknown, c: Context) => MappedError<Body>;

/**
 * The reporter of a surface: maps an error thrown while serving `c` with `shape` and logs what needs
 * logging, failures that are the server's fault at `error` with the stack, nothing for bad input
 * (the access log has it). A request whose client already went away is answered 499 and not logged
 * as a failure: the provider was aborted on purpose.
 */
export function createErrorReporter<Body>(shape: ErrorShape<Body>, logger: Logger): ErrorReporter<Body> {
  return function reportError(error, c) {
    const requestId = requestIdOf(c);
    if (c.req.raw.signal.aborted) {
      return { status: 499, body: shape.clientClosed(requestId), internal: false };
    }
    const stackError = toStackError(error);
    const mapped = shape.map(stackError, requestId);
    if (mapped.internal) {
      logger.error(
        { err: error, request_id: requestId, method: c.req.method, path: c.req.path },
        'request failed',
      );
    }
    const retryAfterSeconds = stackError?.retryAfterSeconds;
    return retryAfterSeconds === undefined ? mapped : { ...mapped, retryAfterSeconds };
  };
}
