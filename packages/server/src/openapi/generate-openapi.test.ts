import { defineRoutes, filesRoutes, modelsRoutes, type RouteDefinition } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { testRoutes } from '../../test/fake-stack.js';
import { generateOpenApi } from './generate-openapi.js';
import type { JsonSchema, OpenApiDocument } from './openapi-document.js';
import { renderOpenApiYaml } from './render-openapi-yaml.js';

const routes = [...modelsRoutes, ...testRoutes] as readonly RouteDefinition[];

function refsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.add(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe('generateOpenApi', () => {
  const document = generateOpenApi(routes);

  it('is an OpenAPI 3.1 document with every route, and the server routes', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'Llama Stack', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Object.keys(document.paths)).toEqual([
      '/models/list',
      '/models/get',
      ...testRoutes.map((route) => route.path),
      '/health',
      '/version',
    ]);
    expect(document.paths['/test/nothing']?.delete?.operationId).toBe('nothing');
    expect(document.tags.map((tag) => tag.name)).toEqual(['models', 'inference', 'safety', 'server']);
  });

  it('names components after .meta({ id }), including schemas only nested in others', () => {
    const names = Object.keys(document.components.schemas);
    expect(names).toEqual(
      expect.arrayContaining(['Model', 'ModelType', 'ListModelsResponse', 'ErrorResponse', 'HealthResponse']),
    );
    expect(names).toEqual([...names].sort());
    expect(
      document.paths['/models/list']?.get?.responses['200']?.content?.['application/json']?.schema,
    ).toEqual({
      $ref: '#/components/schemas/ListModelsResponse',
    });
  });

  it('leaves every $ref pointing at a component, none into zod internals', () => {
    const refs = [...refsIn(document)];
    expect(refs.length).toBeGreaterThan(3);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\/[A-Za-z]\w*$/);
      expect(document.components.schemas[ref.slice('#/components/schemas/'.length)]).toBeDefined();
    }
    const text = JSON.stringify(document);
    expect(text).not.toContain('__shared');
    expect(text).not.toContain('"$schema"');
  });

  it('documents query schemas as query parameters', () => {
    expect(document.paths['/models/get']?.get?.parameters).toEqual([
      { name: 'identifier', in: 'query', required: true, schema: { type: 'string', minLength: 1 } },
    ]);
    const sum = document.paths['/test/sum']?.get?.parameters ?? [];
    expect(sum.map(({ name, required }) => [name, required])).toEqual([
      ['a', true],
      ['b', true],
      ['tags', false],
      ['exact', false],
    ]);
    expect(sum[2]?.schema).toEqual({ type: 'array', items: { type: 'string' } });
  });

  it('documents request bodies with defaulted fields as optional, and the bare-array body', () => {
    const echo = document.paths['/test/echo']?.post;
    expect(echo?.requestBody?.required).toBe(true);
    const body = echo?.requestBody?.content['application/json']?.schema as JsonSchema;
    expect(body.required).toEqual(['text']);
    const batch = document.paths['/test/batch']?.post;
    expect(batch?.requestBody?.content['application/json']?.schema).toMatchObject({
      type: 'array',
      minItems: 1,
    });
    expect(batch?.parameters?.map((parameter) => parameter.name)).toEqual(['model']);
  });

  it('documents text/event-stream with the chunk schema on streamed routes', () => {
    const optional = document.paths['/test/echo']?.post?.responses['200'];
    expect(Object.keys(optional?.content ?? {})).toEqual(['application/json', 'text/event-stream']);
    expect(optional?.content?.['text/event-stream']?.schema).toMatchObject({
      properties: { index: { type: 'number' }, text: { type: 'string' } },
    });
    expect(optional?.description).toContain('`stream: true`');
    const always = document.paths['/test/ticks']?.post?.responses['200'];
    expect(Object.keys(always?.content ?? {})).toEqual(['text/event-stream']);
  });

  it('gives every operation the ErrorResponse as its default response', () => {
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        expect(operation.responses.default?.content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/ErrorResponse',
        });
      }
    }
  });

  it('marks experimental routes', () => {
    expect(document.paths['/models/list']?.get?.['x-experimental']).toBe(true);
    expect(document.paths['/test/echo']?.post?.['x-experimental']).toBeUndefined();
  });

  it('prefixes an operation id that two APIs share with the API name', () => {
    const shared = z.object({ ok: z.boolean() });
    const twins = [
      ...defineRoutes<{ jobStatus(): Promise<unknown> }>()([
        {
          api: 'post_training',
          method: 'GET',
          path: '/a',
          operation: 'jobStatus',
          summary: 'a',
          response: shared,
        },
        {
          api: 'batch_inference',
          method: 'GET',
          path: '/b',
          operation: 'jobStatus',
          summary: 'b',
          response: shared,
        },
      ]),
    ];
    const ids = Object.values(generateOpenApi(twins, { includeSystemRoutes: false }).paths).map(
      (operations) => operations.get?.operationId,
    );
    expect(ids).toEqual(['postTrainingJobStatus', 'batchInferenceJobStatus']);
  });

  it('keeps a made-up component when several operations share an unnamed schema', () => {
    const shared = z.object({ ok: z.boolean() });
    const two = defineRoutes<{ first(): Promise<unknown>; second(): Promise<unknown> }>()([
      { api: 'datasets', method: 'GET', path: '/a', operation: 'first', summary: 'a', response: shared },
      { api: 'datasets', method: 'GET', path: '/b', operation: 'second', summary: 'b', response: shared },
    ]);
    const generated: OpenApiDocument = generateOpenApi(two, { includeSystemRoutes: false });
    expect(generated.components.schemas.FirstResponse).toMatchObject({ type: 'object' });
    expect(generated.paths['/b']?.get?.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/FirstResponse',
    });
  });

  it("documents a surface route's path parameters, error shape and event framing", () => {
    const ItemError = z.object({ error: z.string() }).meta({ id: 'ItemError' });
    const generated = generateOpenApi(
      [
        {
          api: 'items',
          method: 'GET',
          path: '/items/:id{.+}',
          operation: 'getItem',
          summary: 'One item.',
          params: z.object({ id: z.string().describe('May contain `/`.') }),
          response: z.object({ id: z.string() }),
          stream: 'optional',
          streamChunk: z.object({ part: z.string() }),
          errorResponse: ItemError,
          events: 'One part per event.',
        },
      ],
      { includeSystemRoutes: false },
    );
    const operation = generated.paths['/items/{id}']?.get;
    expect(operation?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, description: 'May contain `/`.', schema: { type: 'string' } },
    ]);
    expect(operation?.responses.default?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ItemError',
    });
    expect(operation?.responses['200']?.description).toBe(
      'JSON, or when the request says `stream: true`, One part per event.',
    );
    expect(Object.keys(generated.components.schemas)).toEqual(['ErrorResponse', 'ItemError']);
  });

  it("documents core's path parameters, a multipart body and a binary response (OpenAI's Files API)", () => {
    const generated = generateOpenApi(filesRoutes, { includeSystemRoutes: false });
    expect(Object.keys(generated.paths)).toEqual([
      '/v1/files',
      '/v1/files/{file_id}',
      '/v1/files/{file_id}/content',
    ]);
    const upload = generated.paths['/v1/files']?.post?.requestBody;
    expect(Object.keys(upload?.content ?? {})).toEqual(['multipart/form-data']);
    const form = generated.components.schemas.UploadFileRequest as JsonSchema;
    expect((form.properties as Record<string, JsonSchema>).file).toEqual({
      type: 'string',
      format: 'binary',
      description: 'The file to upload.',
    });
    const content = generated.paths['/v1/files/{file_id}/content']?.get;
    expect(content?.parameters?.map(({ name, in: location }) => [name, location])).toEqual([
      ['file_id', 'path'],
    ]);
    expect(content?.responses['200']?.content).toEqual({
      'application/octet-stream': {
        schema: { type: 'string', format: 'binary', description: "The file's bytes, as uploaded." },
      },
    });
  });

  it('renders the same YAML every time, which parses back to the document', () => {
    const yaml = renderOpenApiYaml(routes);
    expect(renderOpenApiYaml(routes)).toBe(yaml);
    expect(yaml.startsWith('# Generated from the route tables')).toBe(true);
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
