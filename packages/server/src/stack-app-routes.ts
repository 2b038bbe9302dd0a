import type { RouteDefinition } from '@llama-stack-ts/core';
import { OpenAiErrorResponse } from '@llama-stack-ts/openai-compat';
import { openAiRoutes } from './openai/openai-routes.js';
import type { DocumentedRoute } from './openapi/documented-route.js';
import { surfaceOf } from './surface-of.js';
import { tgiRoutes } from './tgi/tgi-routes.js';

/**
 * Every route `createStackApp` serves on its three surfaces, as `/openapi.json` and
 * `docs/openapi.yaml` document them: the Llama Stack `routes`, then OpenAI's and TGI's. A route
 * table's route under `/v1/` (OpenAI's Files API) answers errors in OpenAI's shape, as documented.
 */
export function stackAppRoutes(routes: readonly RouteDefinition[]): DocumentedRoute[] {
  const documented = routes.map((route) =>
    surfaceOf(route.path) === 'openai' ? { ...route, errorResponse: OpenAiErrorResponse } : route,
  );
  return [...documented, ...openAiRoutes, ...tgiRoutes];
}
