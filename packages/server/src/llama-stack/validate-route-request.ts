import { parseRequest, type RouteDefinition } from '@llama-stack-ts/core';
import type { MiddlewareHandler } from 'hono';
import { readJsonBody } from '../validation/read-json-body.js';
import { type ReadMultipartBodyOptions, readMultipartBody } from '../validation/read-multipart-body.js';
import { coerceQueryParams } from './coerce-query-params.js';

export interface RouteRequestVariables {
  /**
   * The validated request object the protocol method receives: path parameters and query params
   * merged with the body.
   */
  stackRequest: Record<string, unknown>;
}

declare module 'hono' {
  interface ContextVariableMap extends RouteRequestVariables {}
}

/** How the multipart routes read their forms. */
export type UploadOptions = ReadMultipartBodyOptions;

/**
 * Validates a request against its route's schemas before any provider sees it: path parameters
 * against `route.params`, query parameters against `route.query`, the body against `route.body`:
 * JSON (placed under `route.bodyField` when the body is a bare array), or a multipart form where
 * `route.bodyFormat` says so (its files spooled to disk while the form is read, and removed once
 * the operation has answered). A failure throws an `InvalidRequestError` naming the field (400).
 * The merged request is left in `c.get('stackRequest')`.
 */
export function validateRouteRequest(route: RouteDefinition, upload: UploadOptions): MiddlewareHandler {
  return async function validateRouteRequest(c, next) {
    const params = route.params ? parseRequest(route.params, c.req.param()) : {};
    const query = route.query
      ? parseRequest(route.query, coerceQueryParams(route.query, c.req.queries()))
      : {};
    if (route.body && route.bodyFormat === 'multipart') {
      const form = await readMultipartBody(c, upload);
      try {
        const body = parseRequest(route.body, form.fields) as Record<string, unknown>;
        c.set('stackRequest', { ...params, ...query, ...body });
        await next();
      } finally {
        await form.dispose();
      }
      return;
    }
    let body: Record<string, unknown> = {};
    if (route.body) {
      const raw = await readJsonBody(c);
      body = route.bodyField
        ? { [route.bodyField]: parseRequest(route.body, raw, route.bodyField) }
        : (parseRequest(route.body, raw ?? {}) as Record<string, unknown>);
    }
    c.set('stackRequest', { ...params, ...query, ...body });
    await next();
  };
}
