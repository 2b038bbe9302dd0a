import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { InvalidRequestError, parseRequest, StackError, toInvalidRequestError } from '@llama-stack-ts/core';
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
 * (@llama-stack-ts/server, which this package must not depend on): query and body validated with
 * the route's schemas and merged, `stream: true` or an always-streamed route answered with SSE, a
 * thrown StackError answered with its status and `{ error: { code, message, field, details, request_id } }`.
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
    return c.json(errorBody(stackError, requestId), stackError.status as 400);
  });

  for (const route of routes) {
    app.on(route.method, route.path, async (c) => {
      const text = await c.req.text();
      received.push({
        method: c.req.method,
        path: c.req.path,
        query: c.req.queries(),
        bodyText: text,
        headers: Object.fromEntries(c.req.raw.headers.entries()),
      });
      const query = route.query ? parseRequest(route.query, coerceQuery(route.query, c.req.queries())) : {};
      let body: Record<string, unknown> = {};
      if (route.body) {
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
