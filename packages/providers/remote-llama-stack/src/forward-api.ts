import type { UntypedMethod } from '@llama-stack-ts/client';
import type { RequestOptions, RouteDefinition } from '@llama-stack-ts/core';

/**
 * The protocol of one API as calls to the upstream: one method per operation and stream operation
 * of the API's routes, each handing the request to the typed client's method of the same name, with
 * the caller's abort signal (a client that leaves cancels the upstream request). A top-level
 * `model` is renamed to the id the upstream knows it by.
 */
export function forwardApi(
  routes: readonly RouteDefinition[],
  methods: Record<string, UntypedMethod>,
  upstreamModelId: (model: string) => string,
): Record<string, (request?: Record<string, unknown>, options?: RequestOptions) => unknown> {
  const forwarded: Record<string, (request?: Record<string, unknown>, options?: RequestOptions) => unknown> =
    {};
  for (const route of routes) {
    for (const operation of [route.operation, route.streamOperation]) {
      const method = operation === undefined ? undefined : methods[operation];
      if (operation === undefined || method === undefined) continue;
      forwarded[operation] = (request, options) =>
        method(
          typeof request?.model === 'string'
            ? { ...request, model: upstreamModelId(request.model) }
            : request,
          options?.signal ? { signal: options.signal } : undefined,
        );
    }
  }
  return forwarded;
}
