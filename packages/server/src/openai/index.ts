export { createOpenAiRoutes, type OpenAiRoutesOptions } from './create-openai-routes.js';
export type { ChatCompletionCreateRequest } from './openai-chat-schemas.js';
export type { CompletionCreateRequest } from './openai-completion-schemas.js';
export { type MappedOpenAiError, mapOpenAiError, type OpenAiErrorBody } from './openai-error.js';
export type * from './openai-response-types.js';
