import type { RouteDefinition } from '@llama-stack-ts/core';
import type { Context } from 'hono';
import { routePathPattern } from './route-path.js';

/**
 * Whether a request is a multipart form sent to a route that takes one: such a body is read by its
 * route as it streams, under the upload limit, instead of by the JSON body limit (which holds a
 * chunked body in memory). Every other request, multipart or not, stays under the body limit.
 */
export function multipartUploadMatcher(routes: readonly RouteDefinition[]): (c: Context) => boolean {
  const uploads = routes
    .filter((route) => route.bodyFormat === 'multipart')
    .map((route) => ({ method: route.method, pattern: routePathPattern(route.path) }));
  return function isMultipartUpload(c) {
    if (uploads.length === 0) return false;
    if (!/^multipart\/form-data\s*;/i.test(c.req.header('content-type') ?? '')) return false;
    return uploads.some((upload) => upload.method === c.req.method && upload.pattern.test(c.req.path));
  };
}
