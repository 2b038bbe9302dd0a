import { ApiNotServedError, type RouteDefinition } from '@llama-stack-ts/core';
import type { MiddlewareHandler } from 'hono';
import type { ServableStack } from '../servable-stack.js';

export interface ServeApiVariables {
  /** The implementation of the matched route's API. */
  stackImplementation: object;
}

declare module 'hono' {
  interface ContextVariableMap extends ServeApiVariables {}
}

/**
 * Finds the implementation of the route's API (`stack.models` for `models`, else
 * `stack.apis[route.api]`) and answers 404 `ApiNotServedError` naming the distribution when it has
 * none. Runs before validation: a route of an API that is not served is a 404 whatever the input.
 */
export function serveApi(stack: ServableStack, route: RouteDefinition): MiddlewareHandler {
  return async function serveApi(c, next) {
    const apis: Readonly<Partial<Record<string, unknown>>> = stack.apis;
    const implementation = route.api === 'models' ? stack.models : apis[route.api];
    if (typeof implementation !== 'object' || implementation === null) {
      throw new ApiNotServedError(route.api, stack.manifest.name);
    }
    c.set('stackImplementation', implementation);
    await next();
  };
}
