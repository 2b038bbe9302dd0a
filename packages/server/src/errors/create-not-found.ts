import type { ErrorResponse } from '@llama-stack-ts/provider-utils';
import type { NotFoundHandler } from 'hono';
import { requestIdOf } from './request-id-of.js';

/** 404 for a path no route serves, in the stack's error shape, pointing at the route list. */
export function createNotFound(): NotFoundHandler {
  return function notFound(c) {
    const body: ErrorResponse = {
      error: {
        code: 'route_not_found',
        message: `No route serves ${c.req.method} ${c.req.path}. The routes are listed in /openapi.json.`,
        request_id: requestIdOf(c),
      },
    };
    return c.json(body, 404);
  };
}
