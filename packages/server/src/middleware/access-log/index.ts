import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';

export interface AccessLogOptions {
  /** Where the lines go; one `info` line per request (`warn` for 4xx, `error` for 5xx). */
  logger: Logger;
}

/**
 * Writes one line per request once its response is ready: method, path, status, milliseconds and
 * request id (from `requestId()`, which must run first). Only those fields are logged: headers and
 * bodies never are, so an `Authorization` header or a prompt cannot leak into the log. For a
 * streamed response `ms` is the time to the start of the stream.
 *
 * @example
 * ```ts
 * app.use(requestId(), accessLog({ logger: pino() }));
 * ```
 */
export function accessLog({ logger }: AccessLogOptions): MiddlewareHandler {
  return async function accessLog(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      request_id: c.get('requestId'),
    };
    if (status >= 500) logger.error(line, 'request');
    else if (status >= 400) logger.warn(line, 'request');
    else logger.info(line, 'request');
  };
}
