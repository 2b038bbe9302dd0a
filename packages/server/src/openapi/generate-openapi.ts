import { ErrorResponse } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';
import { HealthResponse, VersionResponse } from '../system-routes/system-schemas.js';
import { serverVersion } from '../version.js';
import type { DocumentedRoute } from './documented-route.js';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from './openapi-document.js';

export interface GenerateOpenApiOptions {
  /** Default `Llama Stack`. */
  title?: string;
  /** Default: the version of `@llama-stack-ts/server`. */
  version?: string;
  description?: string;
  /** Whether `/health` and `/version` are documented. Default `true`. */
  includeSystemRoutes?: boolean;
}

const componentPrefix = '#/components/schemas/';
const sharedPrefix = `${componentPrefix}__shared#/$defs/`;

const systemRoutes: DocumentedRoute[] = [
  {
    api: 'server',
    method: 'GET',
    path: '/health',
    operation: 'health',
    summary: "The providers' health: 200 when all are ok, 503 otherwise. Needs no bearer token.",
    response: HealthResponse,
  },
  {
    api: 'server',
    method: 'GET',
    path: '/version',
    operation: 'version',
    summary: 'The server version and the name of the distribution it serves.',
    response: VersionResponse,
  },
];

/**
 * Builds the OpenAPI 3.1 document of route tables. Every schema named with `.meta({ id })` becomes
 * a component (JSON Schema 2020-12, from zod's `z.toJSONSchema` in `input` mode so defaulted fields
 * read as optional, as a client may omit them); path and query schemas become parameters; streamed
 * routes document `text/event-stream` with their chunk schema. The output is deterministic, so the
 * committed `docs/openapi.yaml` can be checked for staleness.
 */
export function generateOpenApi(
  routes: readonly DocumentedRoute[],
  options: GenerateOpenApiOptions = {},
): OpenApiDocument {
  const documented: DocumentedRoute[] = [
    ...routes,
    ...(options.includeSystemRoutes === false ? [] : systemRoutes),
  ];
  const names = new SchemaNames();
  names.register(ErrorResponse, 'ErrorResponse');
  const operationIds = uniqueOperationIds(documented);

  const plans = documented.map((route) => ({
    route,
    params: route.params && names.register(route.params, `${pascal(route.operation)}Params`, route.api),
    query: route.query && names.register(route.query, `${pascal(route.operation)}Query`, route.api),
    body: route.body && names.register(route.body, `${pascal(route.operation)}Request`, route.api),
    response: names.register(route.response, `${pascal(route.operation)}Response`, route.api),
    chunk:
      route.streamChunk &&
      names.register(
        route.streamChunk,
        `${pascal(route.streamOperation ?? route.operation)}Chunk`,
        route.api,
      ),
    error: names.register(route.errorResponse ?? ErrorResponse, `${pascal(route.api)}ErrorResponse`),
  }));

  const schemas = names.toJsonSchemas();
  const ref = (id: string): JsonSchema => ({ $ref: componentPrefix + id });

  const paths: OpenApiDocument['paths'] = {};
  plans.forEach(({ route, params, query, body, response, chunk, error }, index) => {
    const parameters = [
      ...(params ? parametersOf(schemas[params] ?? {}, 'path') : []),
      ...(query ? parametersOf(schemas[query] ?? {}, 'query') : []),
    ];
    const operation: OpenApiOperation = {
      operationId: operationIds[index]!,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.api],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body && route.body
        ? {
            requestBody: {
              required: !route.body.safeParse(route.bodyField ? undefined : {}).success,
              content: {
                [route.bodyFormat === 'multipart' ? 'multipart/form-data' : 'application/json']: {
                  schema: ref(body),
                },
              },
            },
          }
        : {}),
      responses: {
        '200': successResponse(route, ref(response), chunk ? ref(chunk) : {}),
        default: {
          description: 'An error.',
          content: { 'application/json': { schema: ref(error) } },
        },
      },
    };
    if (route.experimental) operation['x-experimental'] = true;
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path]![route.method.toLowerCase()] = operation;
  });

  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Llama Stack',
      version: options.version ?? serverVersion,
      ...(options.description ? { description: options.description } : {}),
    },
    tags: [...new Set(documented.map((route) => route.api))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'Required on every route but /health when the server is started with an auth key.',
        },
      },
    },
    // `{}` first: the token is optional unless the server was given a key.
    security: [{}, { bearerAuth: [] }],
  };
  names.inlineUnreferenced(document);
  return document;
}

function successResponse(route: DocumentedRoute, response: JsonSchema, chunk: JsonSchema): OpenApiResponse {
  const sse = { 'text/event-stream': { schema: chunk } };
  const json = { 'application/json': { schema: response } };
  const eventsNote =
    route.events ??
    'Server-Sent Events: each `data:` line holds one JSON chunk of the schema shown; a failure after ' +
      'the stream started arrives as a final `event: error` whose data is an ErrorResponse.';
  if (route.responseFormat === 'binary') {
    return {
      description:
        'The bytes, sent with the media type and file name (`Content-Disposition`) they were stored with.',
      content: { 'application/octet-stream': { schema: response } },
    };
  }
  if (route.stream === 'always') return { description: eventsNote, content: sse };
  if (route.stream === 'optional') {
    return {
      description: `JSON, or when the request says \`stream: true\`, ${eventsNote}`,
      content: { ...json, ...sse },
    };
  }
  if (route.stream === 'accept') {
    return {
      description: `JSON, or when the request's \`Accept\` header asks for \`text/event-stream\`, ${eventsNote}`,
      content: { ...json, ...sse },
    };
  }
  return { description: 'OK', content: json };
}

/** Hono's `/v1/models/:model{.+}` as OpenAPI's `/v1/models/{model}`. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
}

function parametersOf(schema: JsonSchema, location: OpenApiParameter['in']): OpenApiParameter[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function uniqueOperationIds(routes: readonly DocumentedRoute[]): string[] {
  const counts = new Map<string, number>();
  for (const route of routes) counts.set(route.operation, (counts.get(route.operation) ?? 0) + 1);
  // An operation name two APIs share (`getJobStatus`) gets its API as a prefix in both.
  return routes.map((route) =>
    (counts.get(route.operation) ?? 0) > 1
      ? `${camel(route.api)}${pascal(route.operation)}`
      : route.operation,
  );
}

/**
 * Gives every top-level schema a component name: its `.meta({ id })` when it has one, else a name
 * made from its operation. Names made up here are inlined again at the end when only one place
 * uses them, so the components list holds the named wire types, not one entry per route.
 */
class SchemaNames {
  private readonly ids = new Map<z.ZodType, string>();
  private readonly taken = new Set<string>();
  private readonly synthetic = new Set<string>();
  /** Parameter objects: documented as parameters, never as components. */
  private readonly parameters = new Set<string>();

  register(schema: z.ZodType, fallback: string, api?: string): string {
    const existing = this.ids.get(schema);
    if (existing) return existing;
    const declared = z.globalRegistry.get(schema)?.id;
    let id = declared ?? fallback;
    if (!declared) {
      if (this.taken.has(id) && api) id = `${pascal(api)}${id}`;
      while (this.taken.has(id)) id = `${id}_`;
      this.synthetic.add(id);
      if (fallback.endsWith('Query') || fallback.endsWith('Params')) this.parameters.add(id);
    }
    this.ids.set(schema, id);
    this.taken.add(id);
    return id;
  }

  toJsonSchemas(): Record<string, JsonSchema> {
    const registry = z.registry<{ id: string }>();
    for (const [schema, id] of this.ids) registry.add(schema, { id });
    const { schemas } = z.toJSONSchema(registry, {
      io: 'input',
      unrepresentable: 'any',
      uri: (id) => componentPrefix + id,
    }) as { schemas: Record<string, JsonSchema> };

    // Schemas named only inside others land in `__shared`; hoist them into the components.
    const { __shared: shared, ...named } = schemas;
    const hoisted = ((shared?.$defs ?? {}) as Record<string, JsonSchema>) ?? {};
    const all: Record<string, JsonSchema> = {};
    for (const [id, schema] of [...Object.entries(named), ...Object.entries(hoisted)]) {
      const { $schema: _schema, $id: _id, ...rest } = schema;
      all[id] = rewriteSharedRefs(rest) as JsonSchema;
    }
    return Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Inlines made-up names that one operation alone uses, and drops the parameter objects. */
  inlineUnreferenced(document: OpenApiDocument): void {
    const schemas = document.components.schemas;
    for (const id of this.parameters) delete schemas[id];
    const fromPaths = countRefs(document.paths);
    const fromSchemas = countRefs(schemas);
    for (const id of this.synthetic) {
      if (this.parameters.has(id) || fromPaths.get(id) !== 1 || fromSchemas.has(id) || !schemas[id]) continue;
      const schema = schemas[id];
      delete schemas[id];
      replaceRef(document.paths, componentPrefix + id, schema);
    }
  }
}

function rewriteSharedRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteSharedRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith(sharedPrefix)
        ? componentPrefix + inner.slice(sharedPrefix.length)
        : rewriteSharedRefs(inner),
    ]),
  );
}

function countRefs(value: unknown, counts = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(value)) for (const item of value) countRefs(item, counts);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(componentPrefix)) {
        const id = inner.slice(componentPrefix.length);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      } else countRefs(inner, counts);
    }
  }
  return counts;
}

function replaceRef(value: unknown, ref: string, schema: JsonSchema): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'object' && inner !== null && (inner as JsonSchema).$ref === ref) {
      (value as Record<string, unknown>)[key] = schema;
    } else replaceRef(inner, ref, schema);
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[_\-\s]+)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}

function camel(name: string): string {
  const value = pascal(name);
  return value.charAt(0).toLowerCase() + value.slice(1);
}
