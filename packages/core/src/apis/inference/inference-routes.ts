import { defineRoutes } from '../route-definition.js';
import { InferenceModelInfo, InferenceModelInfoRequest } from './inference-model-info-schemas.js';
import type { Inference } from './inference-protocol.js';
import {
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
import { TokenizeRequest, TokenizeResponse } from './inference-tokenize-schemas.js';

export const inferenceRoutes = defineRoutes<Inference>()([
  {
    api: 'inference',
    method: 'POST',
    path: '/inference/completion',
    operation: 'completion',
    streamOperation: 'streamCompletion',
    stream: 'optional',
    summary: 'Generate text that continues a prompt.',
    description: 'Streams CompletionResponseStreamChunk events when the body says `stream: true`.',
    body: CompletionRequest,
    response: CompletionResponse,
    streamChunk: CompletionResponseStreamChunk,
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/inference/chat_completion',
    operation: 'chatCompletion',
    streamOperation: 'streamChatCompletion',
    stream: 'optional',
    summary: 'Generate the next assistant message of a conversation.',
    description:
      "Accepts `messages` or the draft's `dialog`. Streams ChatCompletionResponseStreamChunk events when the body says `stream: true`.",
    body: ChatCompletionRequest,
    response: ChatCompletionResponse,
    streamChunk: ChatCompletionResponseStreamChunk,
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/inference/batch_completion',
    operation: 'batchCompletion',
    summary: 'Complete several prompts; answers a JSON array of CompletionResponse in order.',
    body: BatchCompletionRequest,
    response: BatchCompletionResponse,
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/inference/batch_chat_completion',
    operation: 'batchChatCompletion',
    summary: 'Answer several conversations; answers a JSON array of ChatCompletionResponse in order.',
    body: BatchChatCompletionRequest,
    response: BatchChatCompletionResponse,
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/inference/embeddings',
    operation: 'embeddings',
    summary: 'Embed texts with an embedding model; one vector per item.',
    body: EmbeddingsRequest,
    response: EmbeddingsResponse,
    experimental: true,
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/inference/tokenize',
    operation: 'tokenize',
    summary: "The tokens a model reads for a raw prompt: an extension (TGI's /tokenize serves it per model).",
    description:
      "Answers 501 where the model's provider has no tokenizer. A `remote::llama-stack` provider forwards it upstream.",
    body: TokenizeRequest,
    response: TokenizeResponse,
    experimental: true,
  },
  {
    api: 'inference',
    method: 'GET',
    path: '/inference/model_info',
    operation: 'modelInfo',
    summary:
      "What the model's provider knows of it (context length, parallel sequences): an extension (TGI's /info).",
    description:
      "Answers 501 where the model's provider does not say. A `remote::llama-stack` provider forwards it upstream.",
    query: InferenceModelInfoRequest,
    response: InferenceModelInfo,
    experimental: true,
  },
]);
