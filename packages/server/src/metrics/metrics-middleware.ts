import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { StackMetrics } from './stack-metrics.js';

/**
 * Counts every request by method, route pattern (`/v1/models/:model{.+}`, not the raw path, so
 * the label set stays bounded) and status, and times it until the response starts. Install it
 * first, so it sees the status of answers other middleware gives (401, 413):
 * `app.use(metricsMiddleware(metrics))`.
 */
export function metricsMiddleware(metrics: StackMetrics): MiddlewareHandler {
  return async function metricsMiddleware(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      // The last matched route is the handler that answered; a request no route served is `*`.
      const route = routePath(c, -1) || '*';
      const method = c.req.method;
      metrics.httpRequests.inc({ method, route, status: String(c.res.status) });
      metrics.httpRequestDuration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}
