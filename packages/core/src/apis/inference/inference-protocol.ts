import type { RequestOptions } from '../request-options.js';
import type { InferenceModelInfo, InferenceModelInfoRequest } from './inference-model-info-schemas.js';
import type {
  BatchChatCompletionRequest,
  BatchChatCompletionResponse,
  BatchCompletionRequest,
  BatchCompletionResponse,
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatCompletionResponseStreamChunk,
  CompletionRequest,
  CompletionResponse,
  CompletionResponseStreamChunk,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from './inference-schemas.js';
import type { TokenizeRequest, TokenizeResponse } from './inference-tokenize-schemas.js';

/**
 * Text generation: what a completion and chat inference provider implements (llama.cpp, a remote
 * TGI or OpenAI-compatible server).
 *
 * Requests are the parsed (output) types of the request schemas: defaults filled, `logprobs`
 * normalised to `false | { top_k }`, chat conversations normalised to `messages`. A caller
 * in-process builds one with `ChatCompletionRequest.parse(input)` (or `parseRequest`), so
 * providers never see the draft's `dialog` shape.
 *
 * A streamed call is a separate `stream<Name>` method; the server picks it when the body says
 * `stream: true`. Its iterable ends after the chunk that carries `stop_reason`. Providers stop work
 * promptly when `options.signal` aborts.
 */
export interface TextGenerationInference {
  /** `POST /inference/completion`: continue a raw prompt. */
  completion(request: CompletionRequest, options?: RequestOptions): Promise<CompletionResponse>;
  /** `POST /inference/completion` with `stream: true`. */
  streamCompletion(
    request: CompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<CompletionResponseStreamChunk>;
  /** `POST /inference/chat_completion`: the next assistant message (text and/or tool calls). */
  chatCompletion(request: ChatCompletionRequest, options?: RequestOptions): Promise<ChatCompletionResponse>;
  /** `POST /inference/chat_completion` with `stream: true`; a tool call arrives whole in one chunk. */
  streamChatCompletion(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<ChatCompletionResponseStreamChunk>;
  /** `POST /inference/batch_completion`: one response per prompt, in order. */
  batchCompletion(
    request: BatchCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchCompletionResponse>;
  /** `POST /inference/batch_chat_completion`: one response per conversation, in order. */
  batchChatCompletion(
    request: BatchChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchChatCompletionResponse>;
  /**
   * Optional (an extension): the tokens the model reads for a raw prompt. Serves TGI's `/tokenize`
   * and `truncate`; a provider without a tokenizer leaves it out.
   */
  tokenize?(request: TokenizeRequest, options?: RequestOptions): Promise<TokenizeResponse>;
  /** Optional (an extension): what the provider knows of a model, e.g. its context length (TGI's `/info`). */
  modelInfo?(request: InferenceModelInfoRequest, options?: RequestOptions): Promise<InferenceModelInfo>;
}

/** Embeddings: what an embedding inference provider implements (transformers.js, Model2Vec). */
export interface EmbeddingInference {
  /** `POST /inference/embeddings` (experimental): one vector per content item, in order. */
  embeddings(request: EmbeddingsRequest, options?: RequestOptions): Promise<EmbeddingsResponse>;
}

/**
 * What an inference provider's implementation is: text generation, embeddings, or both (llama.cpp
 * serves both). The stack's router sends each model's calls to its provider.
 */
export type InferenceProvider =
  | TextGenerationInference
  | EmbeddingInference
  | (TextGenerationInference & EmbeddingInference);

/**
 * The Inference API as the stack serves it, by model: every text generation and embedding
 * operation. A call whose model's provider lacks the operation answers `NotImplementedError`.
 */
export interface Inference extends TextGenerationInference, EmbeddingInference {}

/** The methods of `TextGenerationInference`, required and optional. */
const textGenerationOperations = [
  'completion',
  'streamCompletion',
  'chatCompletion',
  'streamChatCompletion',
  'batchCompletion',
  'batchChatCompletion',
  'tokenize',
  'modelInfo',
] as const satisfies readonly (keyof TextGenerationInference)[];

/** The methods of `EmbeddingInference`. */
const embeddingOperations = ['embeddings'] as const satisfies readonly (keyof EmbeddingInference)[];

/**
 * Whether an implementation has any inference operation. A provider written in JavaScript may lack
 * some of its capability's methods; the router answers those operations `NotImplementedError`.
 */
export function isInferenceProvider(implementation: unknown): implementation is InferenceProvider {
  return hasAnyMethod(implementation, [...textGenerationOperations, ...embeddingOperations]);
}

/** Whether an implementation has any text generation operation (else it serves embeddings only). */
export function generatesText(implementation: unknown): boolean {
  return hasAnyMethod(implementation, textGenerationOperations);
}

function hasAnyMethod(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.some((name) => typeof record[name] === 'function');
}
