import type { RouteDefinition } from '@llama-stack-ts/core';
import { openAiRoutes } from './openai/openai-routes.js';
import type { DocumentedRoute } from './openapi/documented-route.js';
import { tgiRoutes } from './tgi/tgi-routes.js';

/**
 * Every route `createStackApp` serves on its three surfaces, as `/openapi.json` and
 * `docs/openapi.yaml` document them: the Llama Stack `routes`, then OpenAI's and TGI's.
 */
export function stackAppRoutes(routes: readonly RouteDefinition[]): DocumentedRoute[] {
  return [...routes, ...openAiRoutes, ...tgiRoutes];
}
