import { parseRequest, type RouteDefinition } from '@llama-stack-ts/core';
import type { MiddlewareHandler } from 'hono';
import { readJsonBody } from '../validation/read-json-body.js';
import { coerceQueryParams } from './coerce-query-params.js';

export interface RouteRequestVariables {
  /** The validated request object the protocol method receives: query params merged with the body. */
  stackRequest: Record<string, unknown>;
}

declare module 'hono' {
  interface ContextVariableMap extends RouteRequestVariables {}
}

/**
 * Validates a request against its route's schemas before any provider sees it: query parameters
 * against `route.query`, the JSON body against `route.body` (placed under `route.bodyField` when
 * the body is a bare array). A failure throws an `InvalidRequestError` naming the field (400). The
 * merged request is left in `c.get('stackRequest')`.
 */
export function validateRouteRequest(route: RouteDefinition): MiddlewareHandler {
  return async function validateRouteRequest(c, next) {
    const query = route.query
      ? parseRequest(route.query, coerceQueryParams(route.query, c.req.queries()))
      : {};
    let body: Record<string, unknown> = {};
    if (route.body) {
      const raw = await readJsonBody(c);
      body = route.bodyField
        ? { [route.bodyField]: parseRequest(route.body, raw, route.bodyField) }
        : (parseRequest(route.body, raw ?? {}) as Record<string, unknown>);
    }
    c.set('stackRequest', { ...query, ...body });
    await next();
  };
}
