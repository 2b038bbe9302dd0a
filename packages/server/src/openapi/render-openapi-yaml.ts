import type { RouteDefinition } from '@llama-stack-ts/core';
import { Document } from 'yaml';
import { type GenerateOpenApiOptions, generateOpenApi } from './generate-openapi.js';

/** The committed `docs/openapi.yaml`: the OpenAPI document of `routes` as YAML, with a header. */
export function renderOpenApiYaml(
  routes: readonly RouteDefinition[],
  options: GenerateOpenApiOptions = {},
): string {
  const document = new Document(generateOpenApi(routes, options), { aliasDuplicateObjects: false });
  document.commentBefore =
    ' Generated from the route tables in packages/core by `pnpm openapi:write`; do not edit by hand.\n' +
    ' `pnpm openapi:check` fails when this file no longer matches them.';
  return document.toString({ lineWidth: 0 });
}
