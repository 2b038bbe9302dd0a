import {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateRequest,
  CompletionCreateRequest,
  TextCompletion,
} from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import { z } from 'zod';
import type { DocumentedRoute } from '../openapi/documented-route.js';
import { compatGenerateRoute, generateRoute, generateStreamRoute, tgiEvents } from './generate-routes.js';
import { infoRoute, tokenizeRoute } from './info-routes.js';
import { invocationsRoute } from './invocations-route.js';
import { TgiErrorResponse } from './tgi-error-shape.js';
import { TgiGenerateResponse, TgiInfo, TgiSimpleToken, TgiStreamResponse } from './tgi-response-schemas.js';
import type { TgiRouteContext } from './tgi-route-context.js';
import { TgiCompatGenerateRequest, TgiGenerateRequest } from './tgi-schemas.js';

/** A route of the TGI surface: how it is documented, and its handler. */
export interface TgiRoute extends DocumentedRoute {
  handler(context: TgiRouteContext): Handler;
}

const documented = { api: 'tgi', errorResponse: TgiErrorResponse, events: tgiEvents } as const;

/**
 * Text Generation Inference's routes: what `createTgiRoutes` serves (with TGI's `/health` when
 * asked) and `/openapi.json` documents.
 */
export const tgiRoutes: readonly TgiRoute[] = [
  {
    ...documented,
    method: 'POST',
    path: '/generate',
    operation: 'tgiGenerate',
    summary: 'The whole generated text of a raw prompt, with `details` when asked for.',
    body: TgiGenerateRequest,
    response: TgiGenerateResponse,
    handler: generateRoute,
  },
  {
    ...documented,
    method: 'POST',
    path: '/generate_stream',
    operation: 'tgiGenerateStream',
    summary: 'One event per generated token, the last with the whole text.',
    body: TgiGenerateRequest,
    response: TgiStreamResponse,
    stream: 'always',
    streamChunk: TgiStreamResponse,
    handler: generateStreamRoute,
  },
  {
    ...documented,
    method: 'POST',
    path: '/',
    operation: 'tgiCompatGenerate',
    summary: "TGI's compatibility route: `/generate` answered as a one-element list, streamed with `stream`.",
    body: TgiCompatGenerateRequest,
    response: z.array(TgiGenerateResponse),
    stream: 'optional',
    streamChunk: TgiStreamResponse,
    handler: compatGenerateRoute,
  },
  {
    ...documented,
    method: 'POST',
    path: '/invocations',
    operation: 'tgiSagemakerCompatibility',
    summary:
      "SageMaker's entry point, as TGI serves it: an `inputs` body is answered as `POST /` (a one-element list, as " +
      "TGI's handler answers it, where TGI's document names a bare GenerateResponse), a `messages` body as " +
      "`/v1/chat/completions`, a `prompt` body as `/v1/completions`; errors in TGI's shape.",
    body: z.union([TgiCompatGenerateRequest, ChatCompletionCreateRequest, CompletionCreateRequest]),
    response: z.union([z.array(TgiGenerateResponse), ChatCompletion, TextCompletion]),
    stream: 'optional',
    streamChunk: z.union([TgiStreamResponse, ChatCompletionChunk, TextCompletion]),
    events:
      `for an \`inputs\` body, ${tgiEvents} For a \`messages\` or \`prompt\` body, OpenAI's chunks, one per ` +
      '`data:` line, ending with `data: [DONE]`; a failure after the start arrives as a `data:` line holding a TgiErrorResponse.',
    handler: invocationsRoute,
  },
  {
    ...documented,
    method: 'POST',
    path: '/tokenize',
    operation: 'tgiTokenize',
    summary: "The prompt's tokens with their character spans (404 when the provider has no tokenizer).",
    body: TgiGenerateRequest,
    response: z.array(TgiSimpleToken),
    handler: tokenizeRoute,
  },
  {
    ...documented,
    method: 'GET',
    path: '/info',
    operation: 'tgiInfo',
    summary: 'The model TGI requests run on, and its limits.',
    response: TgiInfo,
    handler: infoRoute,
  },
];
