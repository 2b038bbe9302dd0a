import { allRoutes, type RouteDefinition } from '@llama-stack-ts/core';
import { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import { createMetricsRoutes } from './metrics/create-metrics-routes.js';
import { metricsMiddleware } from './metrics/metrics-middleware.js';
import { StackMetrics } from './metrics/stack-metrics.js';
import { accessLog } from './middleware/access-log/index.js';
import { bearerAuth } from './middleware/bearer-auth/index.js';
import { bodyLimit, defaultBodyLimitBytes } from './middleware/body-limit/index.js';
import { requestId } from './middleware/request-id/index.js';
import { createNotFound, createOnError } from './on-error.js';
import { createOpenAiRoutes } from './openai/create-openai-routes.js';
import { renderDocsPage } from './openapi/docs-page.js';
import { generateOpenApi } from './openapi/generate-openapi.js';
import type { OpenApiDocument } from './openapi/openapi-document.js';
import { callRouteOperation } from './routes/call-route-operation.js';
import { serveApi } from './routes/serve-api.js';
import type { ServableStack } from './servable-stack.js';
import { healthHandler } from './system-routes/health-handler.js';
import type { VersionResponse } from './system-routes/system-schemas.js';
import { createTgiRoutes } from './tgi/create-tgi-routes.js';
import { validateRouteRequest } from './validation/validate-route-request.js';
import { serverVersion } from './version.js';

export interface StackAppOptions {
  /** The routes to serve. Default: `allRoutes` from `@llama-stack-ts/core`, every API's table. */
  routes?: readonly RouteDefinition[];
  /** Where the access log and failures go. Default: `pino()` to stdout, level `info`. */
  logger?: Logger;
  /**
   * Largest request body accepted, in bytes; a larger one is answered 413. Default: the manifest's
   * `server.max_body_bytes`, else 10 MiB.
   */
  bodyLimitBytes?: number;
  /**
   * When set, every route but `/health`, `/docs` and `/openapi.json` requires
   * `Authorization: Bearer <authKey>` (401 otherwise). Default: the manifest's `server.auth_key`,
   * else no authentication.
   */
  authKey?: string;
  /** The Prometheus registry `/metrics` serves. Default: a new `StackMetrics`. */
  metrics?: StackMetrics;
  /**
   * The model TGI routes (which name none) run on. Default: the manifest's `server.tgi_model`, else
   * the first registered `llm`.
   */
  tgiModel?: string;
}

/**
 * Serves a stack as a Hono app: every route of `routes` (each validated against its schemas, then
 * handed to `stack.models` or `stack.apis[route.api]`, streamed as Server-Sent Events where the
 * route says so), the OpenAI-compatible `/v1/*` routes, TGI's routes (`/generate`,
 * `/generate_stream`, `/`, `/tokenize`, `/info`), plus `/health`, `/metrics`, `/version`,
 * `/openapi.json` and `/docs`. Errors are answered in
 * one shape (`ErrorResponse`) carrying the request id.
 *
 * The app can be served alone (`startStackServer`) or mounted inside another Hono app:
 * `parent.route('/llama', createStackApp(stack))`.
 */
export function createStackApp(stack: ServableStack, options: StackAppOptions = {}): Hono {
  const settings = stack.manifest.server ?? {};
  const {
    routes = allRoutes,
    logger = pino({ name: 'llama-stack-ts' }),
    bodyLimitBytes = settings.max_body_bytes ?? defaultBodyLimitBytes,
    authKey = settings.auth_key,
    metrics = new StackMetrics(),
    tgiModel = settings.tgi_model,
  } = options;
  for (const route of routes) checkRoute(route);

  const app = new Hono();
  app.onError(createOnError(logger));
  app.notFound(createNotFound());
  app.use(metricsMiddleware(metrics), requestId(), accessLog({ logger }));

  // Registered before the auth middleware, so they answer without a token: probes and the docs.
  app.get('/health', healthHandler(stack));
  let openApi: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => {
    openApi ??= generateOpenApi(routes, { title: `Llama Stack: ${stack.manifest.name}` });
    return c.json(openApi);
  });
  app.get('/docs', (c) => c.html(renderDocsPage(`Llama Stack: ${stack.manifest.name}`)));
  app.route('/', createMetricsRoutes(metrics));

  if (authKey) app.use(bearerAuth({ token: authKey }));
  app.use(bodyLimit({ maxBytes: bodyLimitBytes }));

  app.get('/version', (c) =>
    c.json({ version: serverVersion, distribution: stack.manifest.name } satisfies VersionResponse),
  );
  app.route('/', createOpenAiRoutes(stack, { logger, metrics, defaultModel: tgiModel }));
  // The stack's own `/health` above answers TGI clients too (they read only the status).
  app.route('/', createTgiRoutes(stack, { logger, metrics, tgiModel, health: false }));
  for (const route of routes) {
    app.on(
      route.method,
      route.path,
      serveApi(stack, route),
      validateRouteRequest(route),
      callRouteOperation(route, logger),
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
