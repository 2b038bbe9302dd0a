import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { StackMetrics } from './stack-metrics.js';

/**
 * Counts every request by method, route pattern (`/v1/models/:model{.+}`, not the raw path, so
 * the label set stays bounded; `unmatched` when no route served it) and status, and times it until the response starts. Install it
 * first, so it sees the status of answers other middleware gives (401, 413):
 * `app.use(metricsMiddleware(metrics))`.
 */
export function metricsMiddleware(metrics: StackMetrics): MiddlewareHandler {
  return async function metricsMiddleware(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routeLabel(c);
      const method = c.req.method;
      metrics.httpRequests.inc({ method, route, status: String(c.res.status) });
      metrics.httpRequestDuration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}

/**
 * The pattern of the route that answered: the last matched route registered for a method
 * (middleware is registered for `ALL`). A request that only middleware matched reads `unmatched`.
 */
function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index];
    if (route && route.method !== 'ALL') return route.path;
  }
  return 'unmatched';
}
