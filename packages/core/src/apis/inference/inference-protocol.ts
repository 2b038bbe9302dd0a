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
 * The Inference API: what an inference provider implements and what the stack serves.
 *
 * Requests are the parsed (output) types of the request schemas: defaults filled, `logprobs`
 * normalised to `false | { top_k }`, chat conversations normalised to `messages`. A caller
 * in-process builds one with `ChatCompletionRequest.parse(input)` (or `parseRequest`), so
 * providers never see the draft's `dialog` shape.
 *
 * A streamed call is a separate `stream<Name>` method; the server picks it when the body says
 * `stream: true`. Its iterable ends after the chunk that carries `stop_reason`. Providers stop work
 * promptly when `options.signal` aborts. A provider that cannot serve an operation (embeddings on
 * a chat-only backend) throws `NotImplementedError`.
 */
export interface Inference {
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
  /** `POST /inference/embeddings` (experimental): one vector per content item, in order. */
  embeddings(request: EmbeddingsRequest, options?: RequestOptions): Promise<EmbeddingsResponse>;
  /**
   * Optional (an extension): the tokens the model reads for a raw prompt. Serves TGI's `/tokenize`
   * and `truncate`; a provider without a tokenizer leaves it out.
   */
  tokenize?(request: TokenizeRequest, options?: RequestOptions): Promise<TokenizeResponse>;
  /** Optional (an extension): what the provider knows of a model, e.g. its context length (TGI's `/info`). */
  modelInfo?(request: InferenceModelInfoRequest, options?: RequestOptions): Promise<InferenceModelInfo>;
}
