import { allRoutes } from '@llama-stack-ts/core';
import {
  ApiCallError,
  type ApiCallOptions,
  callApi,
  createEventSourceResponseHandler,
  createJsonResponseHandler,
  ErrorResponse,
  extractResponseHeaders,
  type FetchFunction,
  type ResponseHandler,
} from '@llama-stack-ts/provider-utils';
import { z } from 'zod';
import { camelCase } from './camel-case.js';
import type { CallOptions, ClientRoute, StackClientFor } from './client-route.js';
import { fileContentResponseHandler } from './file-content-response-handler.js';
import { toFormData } from './multipart-form.js';
import { rebuildStackError, type ServerErrorFields } from './rebuild-stack-error.js';
import { splitRequest } from './split-request.js';

export interface StackClientOptions<Routes extends readonly ClientRoute[] = typeof allRoutes> {
  /** Where the server listens, e.g. `http://127.0.0.1:5000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` (the distribution's `server.auth_key`). */
  apiKey?: string;
  /** Default: the global `fetch`. */
  fetch?: FetchFunction;
  /** Sent with every call; a call's own `headers` win. */
  headers?: Record<string, string | undefined>;
  /** The route table to build methods from. Default: every API of `@llama-stack-ts/core`. */
  routes?: Routes;
  /** How errors name the server (an unreachable host, a 502). Default `llama-stack-ts server`. */
  name?: string;
  /**
   * The client relays requests of its own caller (`remote::llama-stack`): each call gets these
   * `callApi` options, such as provider-utils' `upstreamCallOptions(config, call)`, for its
   * timeouts (504), its retries of 429 and 503, and gateway errors (an upstream 4xx as the server
   * raised it, a 5xx or an unreachable server a 502 naming `name`). Default: none of them.
   */
  gateway?: (call: { streamed: boolean }) => GatewayCallOptions;
}

/** The `callApi` options a gateway sets per call. */
export type GatewayCallOptions = Pick<
  ApiCallOptions<unknown>,
  'connectTimeoutMs' | 'readTimeoutMs' | 'retry' | 'gateway'
>;

/** A client for every API a llama-stack-ts server serves. */
export type StackClient = StackClientFor<typeof allRoutes>;

/**
 * Builds a typed client from a route table: `client.inference.chatCompletion(request)`,
 * `client.inference.streamChatCompletion(request)` (an `AsyncIterable` of validated chunks),
 * `client.models.listModels()`. Responses are validated with the route's schema. A non-2xx answer
 * is thrown as the `StackError` subclass the server raised (`InvalidRequestError` naming the field,
 * `NotFoundError`, `OverloadedError`...); an unreachable server as `DependencyUnavailableError`.
 */
export function createStackClient<const Routes extends readonly ClientRoute[] = typeof allRoutes>(
  options: StackClientOptions<Routes>,
): StackClientFor<Routes> {
  const routes: readonly ClientRoute[] = options.routes ?? allRoutes;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client: Record<string, Record<string, unknown>> = {};

  const define = (route: ClientRoute, name: string, method: unknown) => {
    const key = camelCase(route.api);
    client[key] ??= {};
    const group = client[key];
    if (name in group) {
      throw new TypeError(
        `Two routes define '${camelCase(route.api)}.${name}'; the second is ${route.method} ${route.path}.`,
      );
    }
    group[name] = method;
  };

  for (const route of routes) {
    const multipart = route.bodyFormat === 'multipart';
    const binary = route.responseFormat === 'binary';
    const send = async (
      request: Record<string, unknown> | undefined,
      call: CallOptions | undefined,
      stream: boolean,
    ) => {
      const fields = { ...request };
      if (route.stream === 'optional') fields.stream = stream;
      const { path, search, body } = splitRequest(route, fields);
      const content =
        body === undefined
          ? undefined
          : multipart
            ? await toFormData(body as Record<string, unknown>)
            : JSON.stringify(body);
      return callApi({
        url: `${baseUrl}${path}${search}`,
        method: route.method,
        headers: {
          accept: stream ? 'text/event-stream' : binary ? '*/*' : 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          // A form's Content-Type carries its boundary: fetch writes it.
          ...(body !== undefined && !multipart ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
          ...call?.headers,
        },
        ...(content !== undefined ? { body: { content, values: body } } : {}),
        successfulResponseHandler: stream
          ? createEventSourceResponseHandler(route.streamChunk ?? z.unknown(), {
              onErrorEvent: (event) => streamErrorOf(event.data),
            })
          : binary
            ? fileContentResponseHandler
            : createJsonResponseHandler(route.response),
        failedResponseHandler: stackErrorResponseHandler,
        ...(call?.signal ? { signal: call.signal } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...options.gateway?.({ streamed: stream }),
        provider: options.name ?? 'llama-stack-ts server',
      });
    };

    if (route.stream !== 'always') {
      define(route, route.operation, async (request?: Record<string, unknown>, call?: CallOptions) => {
        return (await send(request, call, false)).value;
      });
    }
    const streamName =
      route.stream === 'always' ? (route.streamOperation ?? route.operation) : route.streamOperation;
    if (route.stream !== undefined && streamName !== undefined) {
      define(route, streamName, (request?: Record<string, unknown>, call?: CallOptions) =>
        streamOf(() => send(request, call, true)),
      );
    }
  }
  return client as StackClientFor<Routes>;
}

/**
 * The stream method returns its iterable at once (like the protocol's), and the request goes out
 * when iteration starts, so an error answer surfaces from the first `next()`.
 */
async function* streamOf(start: () => Promise<{ value: unknown }>): AsyncGenerator<unknown, void, undefined> {
  const { value } = await start();
  yield* value as AsyncIterable<unknown>;
}

const stackErrorResponseHandler: ResponseHandler<Error> = async ({ response, url, requestBodyValues }) => {
  const responseHeaders = extractResponseHeaders(response);
  const responseBody = await response.text().catch(() => '');
  let parsed: ServerErrorFields | undefined;
  try {
    parsed = serverErrorOf(JSON.parse(responseBody));
  } catch {
    // Not our JSON (a proxy in front of the server): reported as an ApiCallError below.
  }
  const apiCallError = new ApiCallError({
    message: `${url} answered ${response.status} ${response.statusText}${parsed ? `: ${parsed.message}` : responseBody ? `: ${responseBody.slice(0, 500)}` : ''}`,
    url,
    status: response.status,
    requestBodyValues,
    responseHeaders,
    responseBody,
    data: parsed,
  });
  const value = parsed
    ? rebuildStackError(parsed, {
        status: response.status,
        cause: apiCallError,
        ...(apiCallError.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: apiCallError.retryAfterSeconds }),
      })
    : apiCallError;
  return { value, responseHeaders };
};

/**
 * The error fields of a failure body: the stack's own `ErrorResponse`, or OpenAI's error shape that
 * the server's `/v1/` routes answer with (`param` is the field; a `code` of null falls back on the
 * status); `undefined` for any other body.
 */
function serverErrorOf(body: unknown): ServerErrorFields | undefined {
  const stack = ErrorResponse.safeParse(body);
  if (stack.success) return stack.data.error;
  const openAi = OpenAiErrorBody.safeParse(body);
  if (!openAi.success) return undefined;
  const { message, type, param, code } = openAi.data.error;
  return { code: code ?? type, message, ...(param ? { field: param } : {}) };
}

const OpenAiErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable().optional(),
    code: z.string().nullable().optional(),
  }),
});

function streamErrorOf(data: string): Error {
  try {
    const result = ErrorResponse.safeParse(JSON.parse(data));
    if (result.success) return rebuildStackError(result.data.error);
  } catch {
    // Fall through: the frame is not our error body.
  }
  return rebuildStackError({
    code: 'internal_error',
    message: `The stream ended with an error event: ${data}`,
  });
}
