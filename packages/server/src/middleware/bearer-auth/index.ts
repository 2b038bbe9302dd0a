import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@llama-stack-ts/core';
import type { MiddlewareHandler } from 'hono';

export interface BearerAuthOptions {
  /** The key clients must send as `Authorization: Bearer <token>`. */
  token: string;
}

/**
 * Requires `Authorization: Bearer <token>` and throws an `UnauthorizedError` (401, with a
 * `WWW-Authenticate: Bearer` header) otherwise. Routes registered before this middleware stay open,
 * which is how `/health` stays reachable by load balancers. The comparison takes the same time
 * whatever the token sent, so it cannot be guessed byte by byte.
 *
 * @example
 * ```ts
 * app.get('/health', health);
 * app.use(bearerAuth({ token: process.env.LLAMA_STACK_TS_AUTH_KEY! }));
 * ```
 */
export function bearerAuth({ token }: BearerAuthOptions): MiddlewareHandler {
  if (!token) throw new TypeError('bearerAuth: `token` must be a non-empty string.');
  const expected = digest(token);
  return async function bearerAuth(c, next) {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      c.header('WWW-Authenticate', 'Bearer');
      throw header
        ? new UnauthorizedError('Invalid bearer token: send the key the server was started with.')
        : new UnauthorizedError();
    }
    await next();
  };
}

/** Hashing first gives both sides one length, which `timingSafeEqual` requires. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
