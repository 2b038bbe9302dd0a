import { Document } from 'yaml';
import type { DocumentedRoute } from './documented-route.js';
import { type GenerateOpenApiOptions, generateOpenApi } from './generate-openapi.js';

/** The committed `docs/openapi.yaml`: the OpenAPI document of `routes` as YAML, with a header. */
export function renderOpenApiYaml(
  routes: readonly DocumentedRoute[],
  options: GenerateOpenApiOptions = {},
): string {
  const document = new Document(generateOpenApi(routes, options), { aliasDuplicateObjects: false });
  document.commentBefore =
    ' Generated from the route tables (packages/core, and the OpenAI and TGI tables of packages/server)\n' +
    ' by `pnpm openapi:write`; do not edit by hand.\n' +
    ' `pnpm openapi:check` fails when this file no longer matches them.';
  return document.toString({ lineWidth: 0 });
}
