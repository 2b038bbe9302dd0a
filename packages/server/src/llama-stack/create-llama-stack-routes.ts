import type { RouteDefinition } from '@llama-stack-ts/core';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { createErrorReporter } from '../errors/create-error-reporter.js';
import { createOnError } from '../errors/create-on-error.js';
import { stackErrorShape } from '../errors/stack-error-shape.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import type { ServableStack } from '../servable-stack.js';
import { callRouteOperation } from './call-route-operation.js';
import { serveApi } from './serve-api.js';
import { validateRouteRequest } from './validate-route-request.js';

export interface LlamaStackRoutesOptions {
  /** The route tables to serve (core's `allRoutes`, a subset, or a table of your own). */
  routes: readonly RouteDefinition[];
  /** How the `inference` routes reach the stack's inference (shared with the other surfaces). */
  inference: InferenceAccess;
  /** Where server faults are logged. */
  logger: Logger;
}

/**
 * The Llama Stack API: each route of `routes` validated against its schemas, then handed to
 * `stack.models`, the counted inference, or `stack.apis[route.api]`, streamed as Server-Sent Events
 * where the route says so. Errors take the stack's shape (`ErrorResponse`).
 */
export function createLlamaStackRoutes(
  stack: ServableStack,
  { routes, inference, logger }: LlamaStackRoutesOptions,
): Hono {
  for (const route of routes) checkRoute(route);
  const report = createErrorReporter(stackErrorShape, logger);
  const app = new Hono();
  app.onError(createOnError(report));
  for (const route of routes) {
    app.on(
      route.method,
      route.path,
      serveApi(stack, inference, route),
      validateRouteRequest(route),
      callRouteOperation(route, report),
    );
  }
  return app;
}

/** A route table mistake is a programming error: fail when the app is built, not on a request. */
function checkRoute(route: RouteDefinition): void {
  if (route.stream && !route.streamOperation) {
    throw new TypeError(
      `Route ${route.method} ${route.path} streams (${route.stream}) but names no streamOperation.`,
    );
  }
  if (route.bodyField && !route.body) {
    throw new TypeError(
      `Route ${route.method} ${route.path} names bodyField '${route.bodyField}' but has no body schema.`,
    );
  }
}
