import type { Handler } from 'hono';
import { z } from 'zod';
import type { DocumentedRoute } from '../openapi/documented-route.js';
import { compatGenerateRoute, generateRoute, generateStreamRoute, tgiEvents } from './generate-routes.js';
import { infoRoute, tokenizeRoute } from './info-routes.js';
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
