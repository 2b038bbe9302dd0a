import { isFileContent, NotImplementedError, type RouteDefinition } from '@llama-stack-ts/core';
import type { Handler } from 'hono';
import type { ErrorReporter } from '../errors/create-error-reporter.js';
import { formatSseEvent } from '../streaming/format-sse-event.js';
import { streamSseResponse } from '../streaming/stream-sse-response.js';
import { fileContentResponse } from './file-content-response.js';

/**
 * Whether this call streams: always, when an `optional` route's request says `stream: true`, or
 * when an `accept` route's client accepts `text/event-stream`.
 */
function isStreamed(
  route: RouteDefinition,
  request: Record<string, unknown>,
  accept: string | undefined,
): boolean {
  if (route.stream === 'accept') return accept?.includes('text/event-stream') === true;
  return route.stream === 'always' || (route.stream === 'optional' && request.stream === true);
}

/**
 * The route's handler: calls `operation(request, { signal })` with the request
 * `validateRouteRequest` left, and answers with its JSON (`null` for no result, as FastAPI does),
 * with the bytes of the `FileContent` it returns on a `binary` route, or calls `streamOperation`
 * and answers with Server-Sent Events, a failure after the start ending the stream with
 * `event: error`. The signal aborts when the client disconnects.
 */
export function callRouteOperation(route: RouteDefinition, report: ErrorReporter<unknown>): Handler {
  return async function callRouteOperation(c) {
    const request = c.get('stackRequest');
    const operationOf = (name: string) => {
      const operation = c.get('apiOperation')(name);
      if (!operation) throw new NotImplementedError(route.api, name);
      return operation;
    };

    if (isStreamed(route, request, c.req.header('accept'))) {
      const streamOperation = operationOf(route.streamOperation ?? route.operation);
      return streamSseResponse(c, {
        start: (signal) => streamOperation(request, { signal }) as AsyncIterable<unknown>,
        errorFrame: (error) => formatSseEvent(report(error, c).body, 'error'),
      });
    }

    const result = await operationOf(route.operation)(request, { signal: c.req.raw.signal });
    if (route.responseFormat === 'binary') {
      if (!isFileContent(result)) {
        throw new TypeError(
          `${route.api}.${route.operation} answered ${typeof result}, not the FileContent its binary route sends.`,
        );
      }
      return fileContentResponse(result);
    }
    return c.json(result ?? null);
  };
}
