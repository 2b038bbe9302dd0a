import { ApiNotServedError, type RouteDefinition } from '@llama-stack-ts/core';
import type { MiddlewareHandler } from 'hono';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import { type InferenceOperation, operationOf } from '../inference-access/operation-of.js';
import type { ServableStack } from '../servable-stack.js';

export interface ServeApiVariables {
  /** Operation `name` of the matched route's API; `undefined` when its implementation lacks it. */
  apiOperation: (name: string) => InferenceOperation | undefined;
}

declare module 'hono' {
  interface ContextVariableMap extends ServeApiVariables {}
}

/**
 * Finds the implementation of the route's API (`stack.models` for `models`, the counted inference
 * of `inference` for `inference`, else `stack.apis[route.api]`) and answers 404 `ApiNotServedError`
 * naming the distribution when it has none. Runs before validation: a route of an API that is not
 * served is a 404 whatever the input.
 */
export function serveApi(
  stack: ServableStack,
  inference: InferenceAccess,
  route: RouteDefinition,
): MiddlewareHandler {
  return async function serveApi(c, next) {
    if (route.api === 'inference') {
      inference.inference();
      c.set('apiOperation', inference.operation);
    } else {
      const implementation = route.api === 'models' ? stack.models : stack.apis[route.api];
      if (typeof implementation !== 'object' || implementation === null) {
        throw new ApiNotServedError(route.api, stack.manifest.name);
      }
      c.set('apiOperation', (name) => operationOf(implementation, name));
    }
    await next();
  };
}
