/** The parts of a JSON Schema (as zod writes it into the OpenAPI document) the fuzz reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
}

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** The parts of an OpenAPI 3.1 document the fuzz reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One hostile request: where it goes, what it tries (for the report), its query and its body. */
export interface FuzzRequest {
  method: string;
  /** The operation's path as the document writes it, `{name}` placeholders and all. */
  path: string;
  label: string;
  /** The values of the path's `{name}` placeholders. */
  pathValues: Record<string, string>;
  query: [string, string][];
  body?: { contentType: string; text: string };
}

/**
 * A value that exists on the server for a field or parameter named `name` of `operationId` (a
 * registered model, a bank, an agent...), or undefined. Requests built on these get past the
 * "unknown id" answers into the providers.
 */
export type KnownValue = (name: string, operationId: string) => unknown;

export interface FuzzRequestsOptions {
  /** Numbers in [0, 1); a seeded sequence makes the requests the same on every run. */
  random: () => number;
  known: KnownValue;
}

const idName = /(^|_)(uuid|id)s?$/;

/** Nested arrays `depth` deep: `[[[...]]]`. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

const overlongId = { label: 'a 300-character id', value: 'a'.repeat(300) };

/** Values of the wrong type, size or shape for almost any field. */
const garbageValues: { label: string; value: unknown }[] = [
  { label: 'null', value: null },
  { label: 'true', value: true },
  { label: '-1', value: -1 },
  { label: '1.5', value: 1.5 },
  { label: '1e308', value: 1e308 },
  { label: 'an unsafe integer', value: 2 ** 53 + 1 },
  { label: 'an empty string', value: '' },
  { label: 'a 100 KB string', value: 'x'.repeat(100_000) },
  overlongId,
  { label: 'a path', value: '../../../../etc/passwd' },
  { label: 'control and lone surrogate characters', value: '\u0000\u202e\ud800' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a manifest placeholder sent as data, literally.
  { label: 'markup and a placeholder', value: '<script>alert(1)</script>${env.HOME}' },
  { label: 'an empty array', value: [] },
  { label: 'an array of null', value: [null] },
  { label: 'an array of a 1 KB string', value: ['y'.repeat(1_000)] },
  { label: 'an empty object', value: {} },
  { label: 'a __proto__ key', value: JSON.parse('{"__proto__": {"polluted": true}}') },
  { label: 'arrays nested 200 deep', value: nested(200) },
];

const queryGarbage: { label: string; value: string }[] = [
  { label: 'empty', value: '' },
  { label: '5000 characters', value: 'q'.repeat(5_000) },
  { label: 'a path', value: '../../../../etc/passwd' },
  { label: '-1', value: '-1' },
  { label: 'NaN', value: 'NaN' },
  { label: '1e309', value: '1e309' },
  { label: 'a NUL character', value: '\u0000' },
  { label: 'a percent sign', value: '%' },
];

/** Whole bodies that are not what any route takes. */
const bodyGarbage: { label: string; contentType: string; text: string }[] = [
  { label: 'null', contentType: 'application/json', text: 'null' },
  { label: 'a number', contentType: 'application/json', text: '42' },
  { label: 'a string', contentType: 'application/json', text: '"text"' },
  { label: 'an array', contentType: 'application/json', text: '[]' },
  { label: 'an empty object', contentType: 'application/json', text: '{}' },
  { label: 'invalid JSON', contentType: 'application/json', text: '{"unterminated": ' },
  { label: 'an empty body', contentType: 'application/json', text: '' },
  { label: 'text/plain', contentType: 'text/plain', text: 'hello' },
  {
    label: 'arrays nested 5000 deep',
    contentType: 'application/json',
    text: `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  },
  {
    label: 'a 2 MB object',
    contentType: 'application/json',
    text: JSON.stringify({ padding: 'z'.repeat(2_000_000) }),
  },
];

type Path = (string | number)[];

function withValueAt(value: unknown, [head, ...rest]: Path, replacement: unknown): unknown {
  if (head === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = withValueAt(copy[head], rest, replacement);
  return copy;
}

/** Every place in `value` a mutation can go, up to `depth` levels down (objects' keys, arrays' first item). */
function pathsOf(value: unknown, depth: number, path: Path = []): Path[] {
  if (depth === 0 || value === null || typeof value !== 'object') return [];
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.slice(0, 1).map((item, index) => [index, item])
    : Object.entries(value);
  return children.flatMap(([key, child]) => [[...path, key], ...pathsOf(child, depth - 1, [...path, key])]);
}

/**
 * Builds the hostile requests for every operation of `document`, deterministically from `random`.
 * Each operation gets a well-formed request built from its schemas (with unknown ids, then with the
 * `known` ones), and variations of it: parameters and body fields replaced by values of the wrong
 * type or size, overlong ids, paths, nested garbage, missing or duplicated parameters, and whole
 * bodies that are not JSON objects. A multipart body (an upload) is sent as a form, its binary
 * fields as file parts, its garbage as text parts. DELETE operations come last, so they do not remove what the
 * others use.
 */
export function fuzzRequests(
  document: OpenApiDocument,
  { random, known }: FuzzRequestsOptions,
): FuzzRequest[] {
  const pick = <T>(values: readonly T[], count: number): T[] => {
    const pool = [...values];
    return Array.from(
      { length: Math.min(count, pool.length) },
      () => pool.splice(Math.floor(random() * pool.length), 1)[0] as T,
    );
  };
  const resolve = (schema: JsonSchema): JsonSchema => {
    const name = schema.$ref?.replace('#/components/schemas/', '');
    return name === undefined ? schema : resolve(document.components?.schemas?.[name] ?? {});
  };

  const requests: FuzzRequest[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const operationId = operation.operationId ?? `${method} ${path}`;
      const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
      const pathParameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
      const multipartSchema = operation.requestBody?.content?.['multipart/form-data']?.schema;
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema ?? multipartSchema;

      for (const useKnown of [false, true]) {
        const knownFor = (name: string) => (useKnown ? known(name, operationId) : undefined);
        const example = (schema: JsonSchema, name?: string): unknown => {
          const knownValue = name === undefined ? undefined : knownFor(name);
          if (knownValue !== undefined) return knownValue;
          const resolved = resolve(schema);
          if ('const' in resolved) return resolved.const;
          if (resolved.enum) return resolved.enum[0];
          const options = resolved.anyOf ?? resolved.oneOf ?? resolved.allOf;
          if (options) {
            const option = options.find((candidate) => resolve(candidate).type !== 'null') ?? options[0];
            return option === undefined ? null : example(option, name);
          }
          if (resolved.format === 'binary') return new FuzzFile();
          const type = Array.isArray(resolved.type)
            ? resolved.type.find((candidate) => candidate !== 'null')
            : resolved.type;
          switch (type) {
            case 'object':
              return Object.fromEntries(
                Object.entries(resolved.properties ?? {})
                  .filter(([key]) => resolved.required?.includes(key) || knownFor(key) !== undefined)
                  .map(([key, property]) => [key, example(property, key)]),
              );
            case 'array':
              return Array.from({ length: resolved.minItems ?? 0 }, () => example(resolved.items ?? {}));
            case 'integer':
            case 'number':
              return Math.min(
                resolved.minimum ?? (resolved.exclusiveMinimum ?? 0) + 1,
                resolved.maximum ?? Number.POSITIVE_INFINITY,
              );
            case 'boolean':
              return false;
            case 'null':
              return null;
            default:
              return exampleString(resolved);
          }
        };

        const label = (what: string) => `${useKnown ? 'known ids' : 'unknown ids'}: ${what}`;
        const query: [string, string][] = parameters
          .filter((parameter) => parameter.required || knownFor(parameter.name) !== undefined)
          .map((parameter) => [parameter.name, String(example(parameter.schema ?? {}, parameter.name))]);
        const pathValues = Object.fromEntries(
          pathParameters.map((parameter) => [
            parameter.name,
            String(example(parameter.schema ?? {}, parameter.name)),
          ]),
        );
        const body = bodySchema === undefined ? undefined : example(bodySchema);
        const json = (value: unknown) =>
          multipartSchema === undefined
            ? { contentType: 'application/json', text: JSON.stringify(value) }
            : multipartBody(value);
        const add = (
          what: string,
          requestQuery: [string, string][],
          requestBody: FuzzRequest['body'],
          requestPathValues = pathValues,
        ) =>
          requests.push({
            method: method.toUpperCase(),
            path,
            label: label(what),
            pathValues: requestPathValues,
            query: requestQuery,
            body: requestBody,
          });

        const bodyAsIs = body === undefined ? undefined : json(body);
        add('a well-formed request', query, bodyAsIs);
        for (const parameter of parameters) {
          const others = query.filter(([name]) => name !== parameter.name);
          if (parameter.required) add(`no ${parameter.name}`, others, bodyAsIs);
          const values = idName.test(parameter.name)
            ? [overlongId, ...pick(queryGarbage, useKnown ? 2 : 5)]
            : pick(queryGarbage, useKnown ? 2 : 5);
          for (const { label: what, value } of values) {
            add(`${parameter.name} = ${what}`, [...others, [parameter.name, value]], bodyAsIs);
          }
        }
        for (const parameter of pathParameters) {
          for (const { label: what, value } of [overlongId, ...pick(queryGarbage, useKnown ? 2 : 5)]) {
            add(`path ${parameter.name} = ${what}`, query, bodyAsIs, {
              ...pathValues,
              [parameter.name]: value,
            });
          }
        }
        if (!useKnown) {
          add(
            'every parameter twice',
            [...query, ...query.map(([name]): [string, string] => [name, 'x'])],
            bodyAsIs,
          );
          add('an unknown parameter', [...query, ['fuzz', '1']], bodyAsIs);
          if (bodySchema !== undefined) {
            add('no body', query, undefined);
            for (const garbage of bodyGarbage) add(`a body that is ${garbage.label}`, query, garbage);
          }
        }
        for (const mutationPath of pathsOf(body, 3)) {
          const name = String(mutationPath.filter((segment) => typeof segment === 'string').at(-1) ?? '');
          const values = idName.test(name)
            ? [overlongId, ...pick(garbageValues, useKnown ? 3 : 6)]
            : pick(garbageValues, useKnown ? 3 : 6);
          for (const { label: what, value } of values) {
            add(
              `body.${mutationPath.join('.')} = ${what}`,
              query,
              json(withValueAt(body, mutationPath, value)),
            );
          }
        }
      }
    }
  }
  return [
    ...requests.filter((request) => request.method !== 'DELETE'),
    ...requests.filter((request) => request.method === 'DELETE'),
  ];
}

/** A file for a `format: binary` field of a multipart body: sent as a file part. */
class FuzzFile {}

const boundary = 'fuzz-boundary-7f3a';

/**
 * A multipart form of `value`'s fields as a client would send it: a `FuzzFile` as a file part,
 * a nested object as `name[key]` parts, a string as it is, anything else (garbage included) as JSON
 * text. A value that is not an object is sent as one text part named `value`.
 */
function multipartBody(value: unknown): { contentType: string; text: string } {
  const parts: string[] = [];
  const add = (name: string, field: unknown) => {
    if (field instanceof FuzzFile) {
      parts.push(
        `Content-Disposition: form-data; name="${name}"; filename="fuzz.txt"\r\nContent-Type: text/plain\r\n\r\nfuzz`,
      );
    } else if (typeof field === 'object' && field !== null && !Array.isArray(field)) {
      for (const [key, inner] of Object.entries(field)) add(`${name}[${key}]`, inner);
    } else {
      const text = typeof field === 'string' ? field : JSON.stringify(field);
      parts.push(`Content-Disposition: form-data; name="${name}"\r\n\r\n${text}`);
    }
  };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [name, field] of Object.entries(value)) add(name, field);
  } else add('value', value);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    text: `${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('')}--${boundary}--\r\n`,
  };
}

function exampleString(schema: JsonSchema): string {
  const candidates = ['fuzz-unknown', 'data:text/plain,fuzz', 'https://example.invalid/fuzz'];
  if (schema.format === 'date-time') return '2024-07-23T00:00:00Z';
  if (schema.format === 'uri') return 'https://example.invalid/fuzz';
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern);
  const text = candidates.find((candidate) => pattern?.test(candidate) ?? true) ?? 'fuzz';
  return text.padEnd(schema.minLength ?? 0, 'z');
}
