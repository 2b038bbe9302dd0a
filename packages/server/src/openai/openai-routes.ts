import {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateRequest,
  CompletionCreateRequest,
  EmbeddingCreateRequest,
  EmbeddingList,
  OpenAiErrorResponse,
  OpenAiModel,
  OpenAiModelList,
  TextCompletion,
} from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import { z } from 'zod';
import type { OpenAiRouteContext } from '../openai-answers/openai-route-context.js';
import { openAiEvents } from '../openai-answers/openai-sse.js';
import type { DocumentedRoute } from '../openapi/documented-route.js';
import { chatCompletionsRoute } from './chat-completions-route.js';
import { completionsRoute } from './completions-route.js';
import { embeddingsRoute } from './embeddings-route.js';
import { listModelsRoute, retrieveModelRoute } from './models-route.js';

/** A route of the OpenAI surface: how it is documented, and its handler. */
export interface OpenAiRoute extends DocumentedRoute {
  handler(context: OpenAiRouteContext): Handler;
}

const documented = { api: 'openai', errorResponse: OpenAiErrorResponse, events: openAiEvents } as const;

/** The OpenAI-compatible routes: what `createOpenAiRoutes` serves and `/openapi.json` documents. */
export const openAiRoutes: readonly OpenAiRoute[] = [
  {
    ...documented,
    method: 'POST',
    path: '/v1/chat/completions',
    operation: 'openaiCreateChatCompletion',
    summary: "OpenAI's chat completions, one stack chat completion per choice.",
    body: ChatCompletionCreateRequest,
    response: ChatCompletion,
    stream: 'optional',
    streamChunk: ChatCompletionChunk,
    handler: chatCompletionsRoute,
  },
  {
    ...documented,
    method: 'POST',
    path: '/v1/completions',
    operation: 'openaiCreateCompletion',
    summary: "OpenAI's legacy text completions: a raw prompt, `n` choices per prompt.",
    body: CompletionCreateRequest,
    response: TextCompletion,
    stream: 'optional',
    streamChunk: TextCompletion,
    handler: completionsRoute,
  },
  {
    ...documented,
    method: 'POST',
    path: '/v1/embeddings',
    operation: 'openaiCreateEmbedding',
    summary: 'Embeddings of a text or a list of texts, as floats or base64.',
    body: EmbeddingCreateRequest,
    response: EmbeddingList,
    handler: embeddingsRoute,
  },
  {
    ...documented,
    method: 'GET',
    path: '/v1/models',
    operation: 'openaiListModels',
    summary: 'Every registered model (llm and embedding), owned by its provider.',
    response: OpenAiModelList,
    handler: listModelsRoute,
  },
  {
    ...documented,
    method: 'GET',
    path: '/v1/models/:model{.+}',
    operation: 'openaiRetrieveModel',
    summary: 'One registered model.',
    params: z.object({ model: z.string().describe('The model id; it may contain `/`.') }),
    response: OpenAiModel,
    handler: retrieveModelRoute,
  },
];
