import { NotImplementedError, type RouteDefinition } from '@llama-stack-ts/core';
import type { Handler } from 'hono';
import type { Logger } from 'pino';
import { reportError } from '../on-error.js';
import { streamSseResponse } from '../streaming/stream-sse-response.js';

type Operation = (request: unknown, options: { signal: AbortSignal }) => unknown;

/** Whether this call streams: always, or when an `optional` route's request says `stream: true`. */
export function isStreamed(route: RouteDefinition, request: Record<string, unknown>): boolean {
  return route.stream === 'always' || (route.stream === 'optional' && request.stream === true);
}

/**
 * The route's handler: calls `implementation[operation](request, { signal })` with the request
 * `validateRouteRequest` left, and answers with its JSON (`null` for no result, as FastAPI does), or
 * calls `streamOperation` and answers with Server-Sent Events. The signal aborts when the client
 * disconnects.
 */
export function callRouteOperation(route: RouteDefinition, logger: Logger): Handler {
  return async function callRouteOperation(c) {
    const implementation = c.get('stackImplementation');
    const request = c.get('stackRequest');

    if (isStreamed(route, request)) {
      const streamOperation = operationOf(implementation, route, route.streamOperation ?? route.operation);
      return streamSseResponse(c, {
        start: (signal) =>
          streamOperation.call(implementation, request, { signal }) as AsyncIterable<unknown>,
        errorEvent: (error) => reportError(error, c, logger).body,
      });
    }

    const operation = operationOf(implementation, route, route.operation);
    const result = await operation.call(implementation, request, { signal: c.req.raw.signal });
    return c.json(result ?? null);
  };
}

function operationOf(implementation: object, route: RouteDefinition, name: string): Operation {
  const operation = (implementation as Record<string, unknown>)[name];
  if (typeof operation !== 'function') throw new NotImplementedError(route.api, name);
  return operation as Operation;
}
