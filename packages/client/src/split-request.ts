import { InvalidRequestError } from '@llama-stack-ts/core';
import type { ClientRoute } from './client-route.js';

export interface SplitRequest {
  /** The route's path with its `{name}` parameters filled in, each encoded as one path segment. */
  path: string;
  /** The query string, with its leading `?`, or `''`. */
  search: string;
  /** The body (JSON, or a multipart form's fields); `undefined` when the route takes none. */
  body: unknown;
}

/**
 * Splits one request object into path, query string and body exactly as the route says: the keys of
 * `route.params` fill the path's `{name}`s, the keys of `route.query` go to the query string,
 * `route.bodyField` (a bare-array body) is sent alone, and the other fields form the body. This is
 * the inverse of what the server merges.
 */
export function splitRequest(route: ClientRoute, request: Record<string, unknown>): SplitRequest {
  const pathKeys = new Set(route.params ? Object.keys(route.params.shape) : []);
  const queryKeys = new Set(route.query ? Object.keys(route.query.shape) : []);
  const params = new URLSearchParams();
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (pathKeys.has(key)) continue;
    if (queryKeys.has(key)) appendQueryParam(params, key, value);
    else rest[key] = value;
  }
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = request[name];
    if (value === undefined || value === '') {
      throw new InvalidRequestError(name, `is required: it is part of the path ${route.path}`);
    }
    return encodeURIComponent(queryText(value));
  });
  let body: unknown;
  if (route.body) body = route.bodyField ? rest[route.bodyField] : rest;
  const search = params.toString();
  return { path, search: search ? `?${search}` : '', body };
}

/**
 * The server coerces query strings back with the schema: numbers and booleans from their text,
 * arrays from repeated parameters, objects from JSON. So write them that way.
 */
function appendQueryParam(params: URLSearchParams, key: string, value: unknown): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) params.append(key, queryText(item));
    return;
  }
  params.append(key, queryText(value));
}

function queryText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}
