import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteDefinition } from '../../src/apis/route-definition.js';
import { parseRequest } from '../../src/validation/parse-request.js';

/**
 * A wire example from an API folder's `__fixtures__/`, named `<operation-in-kebab-case>.<case>.json`
 * (`create-memory-bank.with-documents.json`). Each key is optional: `params` (the path parameters),
 * `query` (the query parameters), `body` (the JSON body, a bare array where the route has `bodyField`),
 * `response` (one JSON response) and `chunks` (the Server-Sent Event payloads of a streamed call).
 */
/**
 * A route of any API's table. Spelled out structurally: TypeScript compares `RouteDefinition<P>`
 * instances by the measured variance of `P`, which the conditional `OperationName` hides.
 */
export type AnyRouteDefinition = Omit<RouteDefinition, 'operation' | 'streamOperation'> & {
  operation: string;
  streamOperation?: string;
};

export interface RouteFixture {
  file: string;
  caseName: string;
  route: AnyRouteDefinition;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  response?: unknown;
  chunks?: unknown[];
}

/** `createMemoryBank` -> `create-memory-bank`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Reads every fixture of `directory`; a file whose name matches no route's operation throws. */
export function loadRouteFixtures(directory: string, routes: readonly AnyRouteDefinition[]): RouteFixture[] {
  const byName = new Map(routes.map((route) => [kebabCase(route.operation), route]));
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const [routeName = '', caseName = ''] = file.split('.');
      const route = byName.get(routeName);
      if (!route) {
        throw new Error(
          `${file}: no route has the operation "${routeName}"; known: ${[...byName.keys()].join(', ')}`,
        );
      }
      const content = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Omit<
        RouteFixture,
        'file' | 'route'
      >;
      return { ...content, file, caseName, route };
    });
}

/**
 * Builds the request object a protocol method receives, as the server does: the path parameters and
 * the query parsed by the route's schemas, merged with the parsed body (placed under `bodyField` for
 * a bare array).
 */
export function parseRouteRequest(
  route: AnyRouteDefinition,
  input: { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown },
): Record<string, unknown> {
  const params = route.params
    ? (parseRequest(route.params, input.params ?? {}) as Record<string, unknown>)
    : {};
  const query = {
    ...params,
    ...(route.query ? (parseRequest(route.query, input.query ?? {}) as Record<string, unknown>) : {}),
  };
  if (!route.body) return query;
  if (route.bodyField) {
    return { ...query, [route.bodyField]: parseRequest(route.body, input.body, route.bodyField) };
  }
  return { ...query, ...(parseRequest(route.body, input.body) as Record<string, unknown>) };
}
