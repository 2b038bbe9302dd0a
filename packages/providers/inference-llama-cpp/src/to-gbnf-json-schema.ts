import type { GbnfJsonSchema } from 'node-llama-cpp';

/** A JSON Schema turned into the subset node-llama-cpp compiles to a llama.cpp grammar. */
export interface GbnfJsonSchemaConversion {
  schema: GbnfJsonSchema;
  /**
   * JSON Schema keywords the grammar cannot enforce (`pattern`, `minimum`, …), as `path: keyword`.
   * The output is still valid JSON of the right shape; these constraints are not guaranteed.
   */
  ignored: string[];
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type Schema = Record<string, unknown>;
type MutableGbnf = Record<string, unknown>;

const primitiveTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);
// Keywords that only describe or annotate: dropping them changes nothing the grammar could enforce.
const annotationKeywords = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'example',
  'deprecated',
  'readOnly',
  'writeOnly',
  'required',
  '$defs',
  'definitions',
  'nullable',
]);
const handledKeywords: Record<string, ReadonlySet<string>> = {
  string: new Set(['type', 'minLength', 'maxLength', 'format']),
  object: new Set(['type', 'properties', 'additionalProperties', 'minProperties', 'maxProperties']),
  array: new Set(['type', 'items', 'prefixItems', 'minItems', 'maxItems']),
  other: new Set(['type']),
};
const supportedFormats = new Set(['date-time', 'time', 'date']);

/** Any JSON value: what an empty schema (`{}` or `true`) allows. */
export const anyJsonValue: GbnfJsonSchema = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'object', additionalProperties: true },
    { type: 'array' },
  ],
};

/**
 * Converts a JSON Schema (a tool's `parameters`, a `response_format` schema) to node-llama-cpp's
 * `GbnfJsonSchema`, so generation is constrained to JSON that has the schema's shape.
 *
 * - `type`, `properties`, `items`/`prefixItems`, `enum`, `const`, `oneOf`/`anyOf`, `$ref` into
 *   `$defs`/`definitions`, string length and `date`/`time`/`date-time` formats, and item/property
 *   counts are enforced.
 * - An object with `properties` gets no other keys unless `additionalProperties` says so (every
 *   listed property is always generated, which satisfies `required`).
 * - `nullable: true` (OpenAPI) allows `null`.
 * - Anything else (`pattern`, `minimum`, `allOf` of several schemas, `not`, …) is listed in
 *   `ignored` and not enforced.
 */
export function toGbnfJsonSchema(input: unknown): GbnfJsonSchemaConversion {
  const ignored: string[] = [];
  const root = asSchema(input);
  const defs: Record<string, GbnfJsonSchema> = {};
  const rawDefs = { ...asRecord(root?.definitions), ...asRecord(root?.$defs) };
  for (const [name, definition] of Object.entries(rawDefs)) {
    defs[name] = convert(definition, `$defs.${name}`, ignored);
  }
  let schema = convert(input, '', ignored);
  if (Object.keys(defs).length > 0) {
    // node-llama-cpp reads `$defs` on an object, array, oneOf or $ref schema; wrap anything else.
    const canHoldDefs =
      'oneOf' in schema ||
      '$ref' in schema ||
      ('type' in schema && (schema.type === 'object' || schema.type === 'array'));
    schema = (canHoldDefs ? { ...schema, $defs: defs } : { oneOf: [schema], $defs: defs }) as GbnfJsonSchema;
  }
  return { schema, ignored };
}

function convert(input: unknown, path: string, ignored: string[]): GbnfJsonSchema {
  if (input === true || input === undefined) return anyJsonValue;
  const schema = asSchema(input);
  if (!schema) {
    ignored.push(`${path || '(root)'}: ${JSON.stringify(input)} (not a schema)`);
    return anyJsonValue;
  }
  const converted = convertNonNull(schema, path, ignored);
  if (schema.nullable === true && !allowsNull(converted))
    return withDescription({ oneOf: [converted, { type: 'null' }] }, schema);
  return converted;
}

function convertNonNull(schema: Schema, path: string, ignored: string[]): GbnfJsonSchema {
  const at = path || '(root)';
  if (typeof schema.$ref === 'string') {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(schema.$ref);
    if (match?.[2]) return withDescription({ $ref: `#/$defs/${match[2]}` }, schema);
    ignored.push(`${at}: $ref ${schema.$ref} (only local #/$defs and #/definitions references)`);
    return anyJsonValue;
  }
  if ('const' in schema) {
    if (isPrimitive(schema.const)) return withDescription({ const: schema.const }, schema);
    return withDescription(literalSchema(schema.const as JsonValue), schema);
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter(isPrimitive);
    const others = schema.enum.filter((value) => !isPrimitive(value)) as JsonValue[];
    if (others.length === 0) return withDescription({ enum: values }, schema);
    return withDescription(
      { oneOf: [...(values.length > 0 ? [{ enum: values }] : []), ...others.map(literalSchema)] },
      schema,
    );
  }
  const alternatives = (
    Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined
  ) as unknown[] | undefined;
  if (alternatives) {
    const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf';
    return withDescription(
      {
        oneOf: alternatives.map((alternative, index) =>
          convert(alternative, `${path}.${keyword}[${index}]`, ignored),
        ),
      },
      schema,
    );
  }
  if (Array.isArray(schema.allOf)) {
    if (schema.allOf.length === 1)
      return convert({ ...omit(schema, 'allOf'), ...asSchema(schema.allOf[0]) }, path, ignored);
    ignored.push(`${at}: allOf (only the first of ${schema.allOf.length} schemas is enforced)`);
    return convert({ ...omit(schema, 'allOf'), ...asSchema(schema.allOf[0]) }, path, ignored);
  }

  const type = inferType(schema);
  if (Array.isArray(type)) {
    const structured = type.filter((name) => name === 'object' || name === 'array');
    const primitives = type.filter((name) => primitiveTypes.has(name));
    if (structured.length === 0) return withDescription({ type: primitives as GbnfPrimitive[] }, schema);
    const branches: GbnfJsonSchema[] = structured.map((name) =>
      convertNonNull({ ...schema, type: name }, path, ignored),
    );
    if (primitives.length > 0) branches.unshift({ type: primitives as GbnfPrimitive[] });
    return withDescription({ oneOf: branches }, schema);
  }
  switch (type) {
    case 'object':
      return convertObject(schema, path, ignored);
    case 'array':
      return convertArray(schema, path, ignored);
    case 'string':
      return convertString(schema, path, ignored);
    case undefined:
      reportIgnored(schema, handledKeywords.other ?? new Set(), at, ignored);
      return withDescription(anyJsonValue, schema);
    default:
      if (!primitiveTypes.has(type)) {
        ignored.push(`${at}: type ${type} (unknown; any JSON value allowed)`);
        return anyJsonValue;
      }
      reportIgnored(schema, handledKeywords.other ?? new Set(), at, ignored);
      return withDescription({ type: type as GbnfPrimitive }, schema);
  }
}

type GbnfPrimitive = 'string' | 'number' | 'integer' | 'boolean' | 'null';

function convertObject(schema: Schema, path: string, ignored: string[]): GbnfJsonSchema {
  reportIgnored(schema, handledKeywords.object ?? new Set(), path || '(root)', ignored);
  const properties = asRecord(schema.properties);
  const result: MutableGbnf = { type: 'object' };
  if (properties) {
    const converted: Record<string, GbnfJsonSchema> = {};
    for (const [key, value] of Object.entries(properties))
      converted[key] = convert(value, `${path}.${key}`, ignored);
    result.properties = converted;
  }
  const additional = schema.additionalProperties;
  if (additional === true || additional === false) result.additionalProperties = additional;
  else if (asSchema(additional))
    result.additionalProperties = convert(additional, `${path}.additionalProperties`, ignored);
  // JSON Schema allows extra keys by default; a generated object should hold only the declared ones,
  // unless none are declared (then it is a free-form object).
  else result.additionalProperties = !properties;
  copyNumber(schema, result, 'minProperties');
  copyNumber(schema, result, 'maxProperties');
  return withDescription(result as GbnfJsonSchema, schema);
}

function convertArray(schema: Schema, path: string, ignored: string[]): GbnfJsonSchema {
  reportIgnored(schema, handledKeywords.array ?? new Set(), path || '(root)', ignored);
  const result: MutableGbnf = { type: 'array' };
  if (Array.isArray(schema.prefixItems)) {
    result.prefixItems = schema.prefixItems.map((item, index) =>
      convert(item, `${path}.prefixItems[${index}]`, ignored),
    );
  }
  if (Array.isArray(schema.items)) {
    // Draft 2019 tuple form: `items` as a list means what `prefixItems` means now.
    result.prefixItems = schema.items.map((item, index) => convert(item, `${path}.items[${index}]`, ignored));
  } else if (schema.items !== undefined && schema.items !== false) {
    result.items = convert(schema.items, `${path}.items`, ignored);
  }
  copyNumber(schema, result, 'minItems');
  copyNumber(schema, result, 'maxItems');
  return withDescription(result as GbnfJsonSchema, schema);
}

function convertString(schema: Schema, path: string, ignored: string[]): GbnfJsonSchema {
  const at = path || '(root)';
  reportIgnored(schema, handledKeywords.string ?? new Set(), at, ignored);
  if (typeof schema.format === 'string') {
    if (supportedFormats.has(schema.format)) {
      return withDescription(
        { type: 'string', format: schema.format as 'date-time' | 'time' | 'date' },
        schema,
      );
    }
    ignored.push(`${at}: format ${schema.format}`);
  }
  const result: MutableGbnf = { type: 'string' };
  copyNumber(schema, result, 'minLength');
  copyNumber(schema, result, 'maxLength');
  return withDescription(result as GbnfJsonSchema, schema);
}

/** A schema that allows exactly one JSON value (an object or array `const`/`enum` member). */
function literalSchema(value: JsonValue): GbnfJsonSchema {
  if (isPrimitive(value)) return { const: value };
  if (Array.isArray(value)) {
    return {
      type: 'array',
      prefixItems: value.map(literalSchema),
      minItems: value.length,
      maxItems: value.length,
    };
  }
  const properties: Record<string, GbnfJsonSchema> = {};
  for (const [key, item] of Object.entries(value)) properties[key] = literalSchema(item);
  return { type: 'object', properties, additionalProperties: false };
}

function inferType(schema: Schema): string | string[] | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type))
    return schema.type.filter((item): item is string => typeof item === 'string');
  if ('properties' in schema || 'additionalProperties' in schema) return 'object';
  if ('items' in schema || 'prefixItems' in schema) return 'array';
  return undefined;
}

function reportIgnored(schema: Schema, handled: ReadonlySet<string>, at: string, ignored: string[]): void {
  for (const key of Object.keys(schema)) {
    if (!handled.has(key) && !annotationKeywords.has(key)) ignored.push(`${at}: ${key}`);
  }
}

function allowsNull(schema: GbnfJsonSchema): boolean {
  if (!('type' in schema)) return false;
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null'));
}

function withDescription(result: GbnfJsonSchema, schema: Schema): GbnfJsonSchema {
  // Descriptions are kept: node-llama-cpp shows them to the model when it documents a function.
  if (typeof schema.description === 'string' && !('description' in result)) {
    return { ...result, description: schema.description } as GbnfJsonSchema;
  }
  return result;
}

function copyNumber(from: Schema, to: MutableGbnf, key: string): void {
  if (typeof from[key] === 'number') to[key] = from[key];
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function asSchema(value: unknown): Schema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return asSchema(value);
}

function omit(schema: Schema, key: string): Schema {
  const { [key]: _omitted, ...rest } = schema;
  return rest;
}
