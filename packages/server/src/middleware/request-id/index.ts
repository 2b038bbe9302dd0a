import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export interface RequestIdOptions {
  /** Header read from the request and written on the response. Default `X-Request-Id`. */
  headerName?: string;
  /** Longest client id echoed back; a longer one is replaced. Default 128. */
  limitLength?: number;
  /** Makes a new id when the client sent none or an unusable one. Default `crypto.randomUUID()`. */
  generator?: () => string;
}

export interface RequestIdVariables {
  requestId: string;
}

declare module 'hono' {
  interface ContextVariableMap extends RequestIdVariables {}
}

/** Letters, digits and `-_.:=`: safe to echo in a header and to write into a log line unescaped. */
const saneRequestId = /^[\w\-.:=]+$/;

/**
 * Gives every request an id, available as `c.get('requestId')` and sent back in `X-Request-Id`.
 * A client's own id is echoed when it is short and made of safe characters, so ids can be traced
 * across services; anything else is replaced by a fresh UUID.
 *
 * @example
 * ```ts
 * app.use(requestId());
 * app.get('/', (c) => c.text(c.get('requestId')));
 * ```
 */
export function requestId({
  headerName = 'X-Request-Id',
  limitLength = 128,
  generator = randomUUID,
}: RequestIdOptions = {}): MiddlewareHandler {
  return async function requestId(c, next) {
    const fromClient = c.req.header(headerName);
    const id =
      fromClient && fromClient.length <= limitLength && saneRequestId.test(fromClient)
        ? fromClient
        : generator();
    c.set('requestId', id);
    c.header(headerName, id);
    await next();
  };
}
