import type { RouteDefinition } from '@llama-stack-ts/core';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { createErrorReporter, type ErrorReporter } from '../errors/create-error-reporter.js';
import { createOnError } from '../errors/create-on-error.js';
import { stackErrorShape } from '../errors/stack-error-shape.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import type { ServableStack } from '../servable-stack.js';
import { defaultUploadLimitBytes } from '../validation/read-multipart-body.js';
import { callRouteOperation } from './call-route-operation.js';
import { honoPath, pathParamNames } from './route-path.js';
import { serveApi } from './serve-api.js';
import { type UploadOptions, validateRouteRequest } from './validate-route-request.js';

export interface LlamaStackRoutesOptions {
  /** The route tables to serve (core's `allRoutes`, a subset, or a table of your own). */
  routes: readonly RouteDefinition[];
  /** How the `inference` routes reach the stack's inference (shared with the other surfaces). */
  inference: InferenceAccess;
  /** Where server faults are logged. */
  logger: Logger;
  /**
   * How failures are answered. Default: the stack's `ErrorResponse`. `createStackApp` passes its
   * reporter by surface, so a route under `/v1/` (OpenAI's Files API) answers in OpenAI's shape.
   */
  report?: ErrorReporter<unknown>;
  /**
   * How multipart routes read their forms. Default: 512 MiB at most (413 beyond), file parts
   * spooled to `os.tmpdir()`.
   */
  upload?: Partial<UploadOptions>;
}

/**
 * The Llama Stack API: each route of `routes` validated against its schemas, then handed to
 * `stack.models`, the counted inference, or `stack.apis[route.api]`, streamed as Server-Sent Events
 * where the route says so, or sent as bytes where it is binary. Errors take the shape `report` gives.
 */
export function createLlamaStackRoutes(
  stack: ServableStack,
  {
    routes,
    inference,
    logger,
    report = createErrorReporter(stackErrorShape, logger),
    upload = {},
  }: LlamaStackRoutesOptions,
): Hono {
  for (const route of routes) checkRoute(route);
  const uploadOptions: UploadOptions = {
    maxBytes: defaultUploadLimitBytes,
    hint: 'send a smaller file or raise the server upload limit',
    ...upload,
  };
  const app = new Hono();
  app.onError(createOnError(report));
  for (const route of routes) {
    app.on(
      route.method,
      honoPath(route.path),
      serveApi(stack, inference, route),
      validateRouteRequest(route, uploadOptions),
      callRouteOperation(route, report),
    );
  }
  return app;
}

/** A route table mistake is a programming error: fail when the app is built, not on a request. */
function checkRoute(route: RouteDefinition): void {
  const where = `Route ${route.method} ${route.path}`;
  if (route.stream && !route.streamOperation) {
    throw new TypeError(`${where} streams (${route.stream}) but names no streamOperation.`);
  }
  if (route.bodyField && !route.body) {
    throw new TypeError(`${where} names bodyField '${route.bodyField}' but has no body schema.`);
  }
  if (route.bodyFormat === 'multipart' && (!route.body || route.bodyField)) {
    throw new TypeError(
      `${where} takes a multipart form, so it needs a body object schema and no bodyField.`,
    );
  }
  if (route.responseFormat === 'binary' && route.stream) {
    throw new TypeError(`${where} answers binary content, so it cannot also stream events.`);
  }
  const inPath = pathParamNames(route.path).sort();
  const declared = Object.keys(route.params?.shape ?? {}).sort();
  if (inPath.join() !== declared.join()) {
    throw new TypeError(
      `${where} has path parameters [${inPath.join(', ')}] but its params schema declares [${declared.join(', ')}].`,
    );
  }
}
