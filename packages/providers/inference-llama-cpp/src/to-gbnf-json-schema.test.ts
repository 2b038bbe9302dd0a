import { describe, expect, it } from 'vitest';
import { anyJsonValue, toGbnfJsonSchema } from './to-gbnf-json-schema.js';

describe('toGbnfJsonSchema', () => {
  it('keeps a tool parameters object, closing it to the declared properties', () => {
    const { schema, ignored } = toGbnfJsonSchema({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        days: { type: 'integer', minimum: 1 },
        unit: { enum: ['c', 'f'] },
      },
      required: ['city'],
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        days: { type: 'integer' },
        unit: { enum: ['c', 'f'] },
      },
      additionalProperties: false,
    });
    expect(ignored).toEqual(['.days: minimum']);
  });

  it('treats an empty schema, true and a bare object as any value / a free-form object', () => {
    expect(toGbnfJsonSchema({}).schema).toEqual(anyJsonValue);
    expect(toGbnfJsonSchema(true).schema).toEqual(anyJsonValue);
    expect(toGbnfJsonSchema({ type: 'object' }).schema).toEqual({
      type: 'object',
      additionalProperties: true,
    });
  });

  it('maps anyOf to oneOf, nullable and type lists', () => {
    expect(toGbnfJsonSchema({ anyOf: [{ type: 'string' }, { type: 'number' }] }).schema).toEqual({
      oneOf: [{ type: 'string' }, { type: 'number' }],
    });
    expect(toGbnfJsonSchema({ type: 'string', nullable: true }).schema).toEqual({
      oneOf: [{ type: 'string' }, { type: 'null' }],
    });
    expect(toGbnfJsonSchema({ type: ['string', 'null'] }).schema).toEqual({ type: ['string', 'null'] });
    expect(toGbnfJsonSchema({ type: ['array', 'null'], items: { type: 'integer' } }).schema).toEqual({
      oneOf: [{ type: ['null'] }, { type: 'array', items: { type: 'integer' } }],
    });
  });

  it('hoists definitions to $defs and rewrites their references', () => {
    const { schema } = toGbnfJsonSchema({
      type: 'object',
      properties: { home: { $ref: '#/definitions/Address' } },
      definitions: { Address: { type: 'object', properties: { street: { type: 'string' } } } },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: { home: { $ref: '#/$defs/Address' } },
      additionalProperties: false,
      $defs: {
        Address: { type: 'object', properties: { street: { type: 'string' } }, additionalProperties: false },
      },
    });
  });

  it('keeps array bounds and tuple items, string lengths and supported formats', () => {
    expect(
      toGbnfJsonSchema({ type: 'array', items: { type: 'string', maxLength: 5 }, minItems: 1, maxItems: 3 })
        .schema,
    ).toEqual({
      type: 'array',
      items: { type: 'string', maxLength: 5 },
      minItems: 1,
      maxItems: 3,
    });
    expect(
      toGbnfJsonSchema({ type: 'array', prefixItems: [{ type: 'number' }, { const: 'x' }] }).schema,
    ).toEqual({
      type: 'array',
      prefixItems: [{ type: 'number' }, { const: 'x' }],
    });
    expect(toGbnfJsonSchema({ type: 'string', format: 'date' }).schema).toEqual({
      type: 'string',
      format: 'date',
    });
    const email = toGbnfJsonSchema({ type: 'string', format: 'email', pattern: '.+@.+' });
    expect(email.schema).toEqual({ type: 'string' });
    expect(email.ignored).toEqual(['(root): pattern', '(root): format email']);
  });

  it('turns an object const into a literal schema', () => {
    expect(toGbnfJsonSchema({ const: { a: [1] } }).schema).toEqual({
      type: 'object',
      properties: { a: { type: 'array', prefixItems: [{ const: 1 }], minItems: 1, maxItems: 1 } },
      additionalProperties: false,
    });
  });
});
