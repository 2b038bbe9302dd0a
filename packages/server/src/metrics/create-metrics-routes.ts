import { Hono } from 'hono';
import type { StackMetrics } from './stack-metrics.js';

/** `GET /metrics`: the registry in Prometheus text format, for a scraper. */
export function createMetricsRoutes(metrics: StackMetrics): Hono {
  const app = new Hono();
  app.get('/metrics', async function metricsHandler(c) {
    const text = await metrics.render();
    return c.body(text, 200, { 'Content-Type': metrics.contentType });
  });
  return app;
}
