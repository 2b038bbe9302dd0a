import { allRoutes, type RouteDefinition } from '@llama-stack-ts/core';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { type Logger, pino } from 'pino';
import { createErrorReporter, type ErrorReporter } from './errors/create-error-reporter.js';
import { createNotFound } from './errors/create-not-found.js';
import { createOnError } from './errors/create-on-error.js';
import { stackErrorShape } from './errors/stack-error-shape.js';
import { createInferenceAccess } from './inference-access/inference-access.js';
import { createLlamaStackRoutes } from './llama-stack/create-llama-stack-routes.js';
import { multipartUploadMatcher } from './llama-stack/multipart-upload-matcher.js';
import { createMetricsRoutes } from './metrics/create-metrics-routes.js';
import { metricsMiddleware } from './metrics/metrics-middleware.js';
import { StackMetrics } from './metrics/stack-metrics.js';
import { accessLog } from './middleware/access-log/index.js';
import { bearerAuth } from './middleware/bearer-auth/index.js';
import { bodyLimit, defaultBodyLimitBytes } from './middleware/body-limit/index.js';
import { browserGuard } from './middleware/browser-guard/index.js';
import { requestId } from './middleware/request-id/index.js';
import { createOpenAiRoutes } from './openai/create-openai-routes.js';
import { openAiErrorShape } from './openai/openai-error-shape.js';
import { createDocsRoutes } from './openapi/docs-routes.js';
import { generateOpenApi } from './openapi/generate-openapi.js';
import type { OpenApiDocument } from './openapi/openapi-document.js';
import type { ServableStack } from './servable-stack.js';
import { stackAppRoutes } from './stack-app-routes.js';
import { surfaceOf } from './surface-of.js';
import { healthHandler } from './system-routes/health-handler.js';
import type { VersionResponse } from './system-routes/system-schemas.js';
import { createTgiRoutes } from './tgi/create-tgi-routes.js';
import { tgiErrorShape } from './tgi/tgi-error-shape.js';
import { defaultUploadLimitBytes } from './validation/read-multipart-body.js';
import { serverVersion } from './version.js';

/** An app served under `path` beside the stack's routes. */
export interface StackAppMount {
  path: string;
  app: Hono;
}

export interface StackAppOptions {
  /** The routes to serve. Default: `allRoutes` from `@llama-stack-ts/core`, every API's table. */
  routes?: readonly RouteDefinition[];
  /** Where the access log and failures go. Default: `pino()` to stdout, level `info`. */
  logger?: Logger;
  /**
   * Largest request body accepted, in bytes; a larger one is answered 413. Default: the manifest's
   * `server.max_body_bytes`, else 10 MiB. Multipart uploads have their own limit, `uploadLimitBytes`.
   */
  bodyLimitBytes?: number;
  /**
   * Largest multipart upload accepted (`POST /v1/files`), in bytes; a larger one is answered 413.
   * The form streams to disk, never held in memory. Default: the manifest's
   * `server.max_upload_bytes`, else 512 MiB.
   */
  uploadLimitBytes?: number;
  /** Where uploaded files wait while the rest of their form arrives. Default: `os.tmpdir()`. */
  uploadSpoolDir?: string;
  /**
   * When set, every route but `/health`, `/docs` and `/openapi.json` (and `/metrics` where
   * `metricsPublic`) requires `Authorization: Bearer <authKey>` (401 otherwise). Default: the
   * manifest's `server.auth_key`, else no authentication.
   */
  authKey?: string;
  /**
   * The interface the app is served on. On loopback without `authKey`, requests naming another
   * `Host` and cross-site browser requests are refused (`browserGuard`). Default: the manifest's
   * `server.host`, else `127.0.0.1`.
   */
  host?: string;
  /** Host names beside the loopback ones that `Host` may name. Default: the manifest's `server.allowed_hosts`. */
  allowedHosts?: readonly string[];
  /** Origins whose pages may call the server (CORS). Default: the manifest's `server.cors_origins`, else none. */
  corsOrigins?: readonly string[];
  /** Serve `/metrics` without the bearer token. Default: the manifest's `server.metrics_public`, else false. */
  metricsPublic?: boolean;
  /** The Prometheus registry `/metrics` serves. Default: a new `StackMetrics`. */
  metrics?: StackMetrics;
  /**
   * The model TGI routes (which name none) run on. Default: the manifest's `server.tgi_model`, else
   * the first registered `llm`.
   */
  tgiModel?: string;
  /**
   * Apps served under their path, behind the bearer token like the API routes, e.g. the jobs
   * dashboard at `/admin/queues`. Default: none.
   */
  mounts?: readonly StackAppMount[];
}

/**
 * Serves a stack as a Hono app with three surfaces as peers over one inference access (so
 * `/metrics` counts the inference calls of all three): the Llama Stack routes of `routes` (each
 * validated against its schemas, then handed to `stack.models` or `stack.apis[route.api]`, streamed
 * as Server-Sent Events where the route says so), the OpenAI-compatible `/v1/*` routes and TGI's
 * routes (`/generate`, `/generate_stream`, `/`, `/invocations`, `/tokenize`, `/info`); plus `/health`, `/metrics`,
 * `/version`, `/openapi.json` (documenting all three surfaces) and `/docs`. Each surface answers
 * errors in its own shape; the app's own (`ErrorResponse`) carries the request id.
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
    uploadLimitBytes = settings.max_upload_bytes ?? defaultUploadLimitBytes,
    uploadSpoolDir,
    authKey = settings.auth_key,
    metricsPublic = settings.metrics_public ?? false,
    host = settings.host ?? '127.0.0.1',
    allowedHosts = settings.allowed_hosts ?? [],
    corsOrigins = settings.cors_origins ?? [],
    metrics = new StackMetrics(),
    tgiModel = settings.tgi_model,
    mounts = [],
  } = options;
  const inference = createInferenceAccess(stack, { metrics });
  const report = reportBySurface(logger);

  const app = new Hono();
  app.onError(createOnError(report));
  app.notFound(createNotFound());
  app.use(metricsMiddleware(metrics), requestId(), accessLog({ logger }));
  if (corsOrigins.length > 0) app.use(cors({ origin: [...corsOrigins] }));
  if (!authKey && isLoopback(host)) {
    app.use(
      browserGuard({ allowedHosts: [...loopbackHosts, host, ...allowedHosts], allowedOrigins: corsOrigins }),
    );
  }

  // Registered before the auth middleware, so they answer without a token: probes and the docs.
  app.get('/health', healthHandler(stack));
  let openApi: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => {
    openApi ??= generateOpenApi(stackAppRoutes(routes), { title: `Llama Stack: ${stack.manifest.name}` });
    return c.json(openApi);
  });
  app.route('/', createDocsRoutes(`Llama Stack: ${stack.manifest.name}`));
  if (metricsPublic) app.route('/', createMetricsRoutes(metrics));

  if (authKey) app.use(bearerAuth({ token: authKey }));
  if (!metricsPublic) app.route('/', createMetricsRoutes(metrics));
  app.use(
    bodyLimit({
      maxBytes: bodyLimitBytes,
      hint: 'send a smaller body, or raise server.max_body_bytes in the manifest (LLAMA_STACK_TS_MAX_BODY_BYTES in the shipped distributions)',
      skip: multipartUploadMatcher(routes),
    }),
  );

  app.get('/version', (c) =>
    c.json({ version: serverVersion, distribution: stack.manifest.name } satisfies VersionResponse),
  );
  app.route('/', createOpenAiRoutes(inference, { logger, defaultModel: tgiModel }));
  // The stack's own `/health` above answers TGI clients too (they read only the status).
  app.route('/', createTgiRoutes(inference, { logger, tgiModel, health: false }));
  app.route(
    '/',
    createLlamaStackRoutes(stack, {
      routes,
      inference,
      logger,
      report,
      upload: {
        maxBytes: uploadLimitBytes,
        hint: 'upload a smaller file, or raise server.max_upload_bytes in the manifest (LLAMA_STACK_TS_MAX_UPLOAD_BYTES in the shipped distributions)',
        ...(uploadSpoolDir ? { spoolDir: uploadSpoolDir } : {}),
      },
    }),
  );
  for (const mount of mounts) app.route(mount.path, mount.app);
  return app;
}

/**
 * Reports a failure in the shape of the surface the path belongs to, so an OpenAI or TGI client
 * reads its own error format: what fails before a surface's own routes run (auth, the body limit),
 * and the failures of the route tables' `/v1/` routes (OpenAI's Files API).
 */
function reportBySurface(logger: Logger): ErrorReporter<unknown> {
  const reporters = {
    openai: createErrorReporter(openAiErrorShape, logger),
    tgi: createErrorReporter(tgiErrorShape, logger),
    stack: createErrorReporter(stackErrorShape, logger),
  };
  return (error, c) => reporters[surfaceOf(c.req.path)](error, c);
}

const loopbackHosts = ['localhost', '127.0.0.1', '::1'];

/** Whether `host` (an interface to listen on) is reachable from this machine only. */
function isLoopback(host: string): boolean {
  return loopbackHosts.includes(host.toLowerCase()) || /^127\./.test(host) || host === '[::1]';
}
