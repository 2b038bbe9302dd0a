export { createStackApp, type StackAppMount, type StackAppOptions } from './create-stack-app.js';
export { createErrorReporter, type ErrorReporter } from './errors/create-error-reporter.js';
export { createNotFound } from './errors/create-not-found.js';
export { createOnError } from './errors/create-on-error.js';
export type { ErrorShape, MappedError } from './errors/error-shape.js';
export { stackErrorShape } from './errors/stack-error-shape.js';
export {
  createInferenceAccess,
  type InferenceAccess,
  type InferenceAccessOptions,
  type InferenceStack,
} from './inference-access/inference-access.js';
export type { InferenceOperation } from './inference-access/operation-of.js';
export {
  createLlamaStackRoutes,
  type LlamaStackRoutesOptions,
} from './llama-stack/create-llama-stack-routes.js';
export * from './metrics/index.js';
export { type AccessLogOptions, accessLog } from './middleware/access-log/index.js';
export { type BearerAuthOptions, bearerAuth } from './middleware/bearer-auth/index.js';
export { type BodyLimitOptions, bodyLimit, defaultBodyLimitBytes } from './middleware/body-limit/index.js';
export { type RequestIdOptions, type RequestIdVariables, requestId } from './middleware/request-id/index.js';
export * from './openai/index.js';
export type { DocumentedRoute } from './openapi/documented-route.js';
export { type GenerateOpenApiOptions, generateOpenApi } from './openapi/generate-openapi.js';
export type { OpenApiDocument } from './openapi/openapi-document.js';
export type { ProviderHealthLike, ServableStack, ServerSettingsLike } from './servable-stack.js';
export { stackAppRoutes } from './stack-app-routes.js';
export {
  type StackServer,
  type StartStackServerOptions,
  startStackServer,
} from './start-stack-server.js';
export { formatSseEvent } from './streaming/format-sse-event.js';
export { type StreamSseResponseOptions, streamSseResponse } from './streaming/stream-sse-response.js';
export { HealthResponse, ProviderHealthReport, VersionResponse } from './system-routes/system-schemas.js';
export * from './tgi/index.js';
export { serverVersion } from './version.js';
