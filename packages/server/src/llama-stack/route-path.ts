/** The names of a route path's parameters, `{file_id}` of `/v1/files/{file_id}/content`, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
}

/** A route table's `/v1/files/{file_id}` as Hono matches it: `/v1/files/:file_id`. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * A test of whether a request path is the route's `path`, wherever the app is mounted (`/v1/files`
 * or `/llama/v1/files`); a parameter matches one segment.
 */
export function routePathPattern(path: string): RegExp {
  const source = path
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`${source}/?$`);
}
