import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import {
  type FileContent,
  InvalidRequestError,
  parseRequest,
  StackError,
  toInvalidRequestError,
} from '@llama-stack-ts/core';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { ClientRoute } from '../src/client-route.js';

type Operation = (request: Record<string, unknown>, options: { signal: AbortSignal }) => unknown;

/** One request as it arrived, to check what the client put in the query string and the body. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  bodyText: string;
  headers: Record<string, string>;
}

export interface RouteTableServer extends AsyncDisposable {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A small Hono app serving a route table on a loopback socket, shaped like the real server
 * (@llama-stack-ts/server, which this package must not depend on): path parameters, query and body
 * (JSON or a multipart form) validated with the route's schemas and merged, `stream: true` or an
 * always-streamed route answered with SSE, a binary route with the content's bytes, a thrown
 * StackError answered with its status and `{ error: { code, message, field, details, request_id } }`
 * (OpenAI's `{ error: { message, type, param, code } }` under `/v1/`).
 */
export async function serveRouteTable(
  routes: readonly ClientRoute[],
  implementations: Record<string, Record<string, Operation>>,
): Promise<RouteTableServer> {
  const app = new Hono();
  const received: ReceivedRequest[] = [];
  let requestCount = 0;
  app.use(async (c, next) => {
    c.header('x-request-id', `req-${++requestCount}`);
    await next();
  });
  app.onError((error, c) => {
    const requestId = c.res.headers.get('x-request-id') ?? 'req-unknown';
    const stackError = toStackError(error);
    const body = c.req.path.startsWith('/v1/')
      ? openAiErrorBody(stackError)
      : errorBody(stackError, requestId);
    return c.json(body, stackError.status as 400);
  });

  for (const route of routes) {
    app.on(route.method, route.path.replace(/\{(\w+)\}/g, ':$1'), async (c) => {
      const multipart = route.bodyFormat === 'multipart';
      const text = multipart ? '' : await c.req.text();
      received.push({
        method: c.req.method,
        path: c.req.path,
        query: c.req.queries(),
        bodyText: text,
        headers: Object.fromEntries(c.req.raw.headers.entries()),
      });
      const params = route.params ? parseRequest(route.params, c.req.param()) : {};
      const query = {
        ...params,
        ...(route.query ? parseRequest(route.query, coerceQuery(route.query, c.req.queries())) : {}),
      };
      let body: Record<string, unknown> = {};
      if (route.body && multipart) {
        body = parseRequest(route.body, formFields(await c.req.raw.formData())) as Record<string, unknown>;
      } else if (route.body) {
        const raw: unknown = text === '' ? undefined : JSON.parse(text);
        body = route.bodyField
          ? { [route.bodyField]: parseRequest(route.body, raw, route.bodyField) }
          : (parseRequest(route.body, raw ?? {}) as Record<string, unknown>);
      }
      const request = { ...query, ...body };
      const implementation = implementations[route.api] ?? {};
      const streamed = route.stream === 'always' || (route.stream === 'optional' && request.stream === true);
      const name = streamed ? (route.streamOperation ?? route.operation) : route.operation;
      const operation = implementation[name];
      if (!operation) throw new StackError(501, 'not_implemented', `No implementation of '${name}'.`);
      if (!streamed) {
        const result = await operation(request, { signal: c.req.raw.signal });
        if (route.responseFormat === 'binary') return binaryResponse(result as FileContent);
        return c.json(result ?? null);
      }
      return streamSSE(c, async (stream) => {
        try {
          for await (const chunk of operation(request, {
            signal: c.req.raw.signal,
          }) as AsyncIterable<unknown>) {
            await stream.writeSSE({ data: JSON.stringify(chunk) });
          }
        } catch (error) {
          if (!c.req.raw.signal.aborted) {
            const requestId = c.res.headers.get('x-request-id') ?? 'req-unknown';
            await stream.writeSSE({
              event: 'error',
              data: JSON.stringify(errorBody(toStackError(error), requestId)),
            });
          }
        }
      });
    });
  }

  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
    return closed;
  };
  return { url: `http://127.0.0.1:${port}`, received, close, [Symbol.asyncDispose]: close };
}

function toStackError(error: unknown): StackError {
  if (StackError.isInstance(error)) return error;
  if (error instanceof z.ZodError) return toInvalidRequestError(error);
  if (error instanceof SyntaxError) return new InvalidRequestError('(body)', 'not valid JSON');
  return new StackError(500, 'internal_error', 'Internal server error.');
}

function errorBody(error: StackError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.details ? { details: error.details } : {}),
      request_id: requestId,
    },
  };
}

/** Query strings back to the schema's types, as the real server does: repeated params for arrays. */
function coerceQuery(schema: z.ZodObject, queries: Record<string, string[]>): Record<string, unknown> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const params: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(queries)) {
    let type = shape[name];
    while (type && 'innerType' in type._zod.def) type = (type._zod.def as { innerType: z.ZodType }).innerType;
    const kind = type?._zod.def.type;
    const last = values.at(-1) ?? '';
    params[name] =
      kind === 'array'
        ? values
        : kind === 'number'
          ? Number(last)
          : kind === 'boolean'
            ? last === 'true'
            : last;
  }
  return params;
}

/** OpenAI's error shape, as the server answers on its `/v1/` routes. */
function openAiErrorBody(error: StackError) {
  return {
    error: {
      message: error.message,
      type: error.status === 429 ? 'rate_limit_error' : 'invalid_request_error',
      param: error.field ?? null,
      code: error.code === 'invalid_request' ? null : error.code,
    },
  };
}

/** A form's parts as the server hands them on: files as `UploadedFile`s, `a[b]` nested. */
function formFields(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    const [head = name, ...keys] = name.split(/\[|\]\[|\]$/).filter(Boolean);
    const parsed =
      typeof value === 'string'
        ? value
        : {
            filename: value.name,
            content_type: value.type || 'application/octet-stream',
            stream: value.stream(),
          };
    if (keys.length === 0) {
      fields[head] = parsed;
      continue;
    }
    fields[head] ??= {};
    (fields[head] as Record<string, unknown>)[keys.join('.')] = parsed;
  }
  return fields;
}

function binaryResponse(content: FileContent): Response {
  return new Response(content.stream, {
    headers: {
      'content-type': content.content_type,
      'content-disposition': `attachment; filename="${content.filename.replace(/[^\x20-\x7e]|"/g, '?')}"; filename*=UTF-8''${encodeURIComponent(content.filename)}`,
      ...(content.bytes !== undefined ? { 'content-length': String(content.bytes) } : {}),
    },
  });
}
