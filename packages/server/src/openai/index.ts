export { createOpenAiRoutes, type OpenAiRoutesOptions } from './create-openai-routes.js';
export { ChatCompletionCreateRequest } from './openai-chat-schemas.js';
export { CompletionCreateRequest } from './openai-completion-schemas.js';
export { EmbeddingCreateRequest } from './openai-embedding-schemas.js';
export { OpenAiErrorResponse, openAiErrorShape } from './openai-error-shape.js';
export * from './openai-response-schemas.js';
export { type OpenAiRoute, openAiRoutes } from './openai-routes.js';
