export { createMetricsRoutes } from './create-metrics-routes.js';
export { instrumentInference } from './instrument-inference.js';
export { metricsMiddleware } from './metrics-middleware.js';
export { StackMetrics, type StackMetricsOptions } from './stack-metrics.js';
