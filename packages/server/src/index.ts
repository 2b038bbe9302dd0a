export { createStackApp, type StackAppOptions } from './create-stack-app.js';
export { ErrorResponse, type MappedError, mapError } from './error-response.js';
export * from './metrics/index.js';
export { type AccessLogOptions, accessLog } from './middleware/access-log/index.js';
export { type BearerAuthOptions, bearerAuth } from './middleware/bearer-auth/index.js';
export { type BodyLimitOptions, bodyLimit, defaultBodyLimitBytes } from './middleware/body-limit/index.js';
export { type RequestIdOptions, type RequestIdVariables, requestId } from './middleware/request-id/index.js';
export { createNotFound, createOnError, reportError } from './on-error.js';
export * from './openai/index.js';
export { type GenerateOpenApiOptions, generateOpenApi } from './openapi/generate-openapi.js';
export type { OpenApiDocument } from './openapi/openapi-document.js';
export type { ProviderHealthLike, ServableStack, ServerSettingsLike } from './servable-stack.js';
export {
  type StackServer,
  type StartStackServerOptions,
  startStackServer,
} from './start-stack-server.js';
export { formatSseEvent } from './streaming/format-sse-event.js';
export { HealthResponse, ProviderHealthReport, VersionResponse } from './system-routes/system-schemas.js';
export * from './tgi/index.js';
export { serverVersion } from './version.js';
