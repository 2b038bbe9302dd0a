import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { type ErrorResponse, type MappedError, mapError } from './error-response.js';

/**
 * Maps an error thrown while serving `c` to its answer and logs what needs logging: failures that
 * are the server's fault at `error` with the stack, nothing for bad input (the access log has it).
 * A request whose client already went away is answered 499 and not logged as a failure: the
 * provider was aborted on purpose.
 */
export function reportError(error: unknown, c: Context, logger: Logger): MappedError {
  const requestId = c.get('requestId') ?? 'unknown';
  if (c.req.raw.signal.aborted) {
    return {
      status: 499,
      body: {
        error: {
          code: 'client_closed_request',
          message: 'The client closed the request.',
          request_id: requestId,
        },
      },
      internal: false,
    };
  }
  const mapped = mapError(error, requestId);
  if (mapped.internal) {
    logger.error(
      { err: error, request_id: requestId, method: c.req.method, path: c.req.path },
      'request failed',
    );
  }
  return mapped;
}

/** The one place errors become responses: `app.onError(createOnError(logger))`. */
export function createOnError(logger: Logger): ErrorHandler {
  return function onError(error, c) {
    const { status, body } = reportError(error, c, logger);
    return c.json(body, status as ContentfulStatusCode);
  };
}

/** 404 for a path no route serves, in the same error shape, pointing at the route list. */
export function createNotFound(): NotFoundHandler {
  return function notFound(c) {
    const body: ErrorResponse = {
      error: {
        code: 'route_not_found',
        message: `No route serves ${c.req.method} ${c.req.path}. The routes are listed in /openapi.json.`,
        request_id: c.get('requestId') ?? 'unknown',
      },
    };
    return c.json(body, 404);
  };
}
