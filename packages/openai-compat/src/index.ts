export { toChatCompletionRequest, toResponseFormat, toStackMessages } from './convert-openai-chat-request.js';
export { defaultCompletionMaxTokens, toCompletionRequest } from './convert-openai-completion-request.js';
export { toOpenAiParam, withOpenAiParams } from './core-field-to-param.js';
export { createEmbeddings } from './create-embeddings.js';
export { invalidParam } from './invalid-param.js';
export { defaultMaxChoices, type OpenAiCallOptions } from './openai-call-options.js';
export * from './openai-chat-schemas.js';
export { CompletionCreateRequest } from './openai-completion-schemas.js';
export { EmbeddingCreateRequest } from './openai-embedding-schemas.js';
export {
  type OpenAiError,
  OpenAiErrorResponse,
  openAiErrorBody,
  openAiErrorOf,
  toOpenAiError,
} from './openai-error.js';
export { toFinishReason } from './openai-finish-reason.js';
export { openAiId, unixSeconds } from './openai-ids.js';
export * from './openai-response-schemas.js';
export { type OpenAiSamplingFields, toOpenAiSamplingFields, toSamplingParams } from './openai-sampling.js';
export { parseOpenAiRequest } from './parse-openai-request.js';
export { type ChatCompletionCall, prepareChatCompletion } from './prepare-chat-completion.js';
export { type CompletionCall, prepareCompletion } from './prepare-completion.js';
