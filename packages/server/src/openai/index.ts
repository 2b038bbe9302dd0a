export { createOpenAiRoutes, type OpenAiRoutesOptions } from './create-openai-routes.js';
export { openAiErrorShape } from './openai-error-shape.js';
export { type OpenAiRoute, openAiRoutes } from './openai-routes.js';
