import { modelsRoutes } from '@llama-stack-ts/core';
import type { ErrorResponse } from '@llama-stack-ts/provider-utils';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createStackApp, type StackAppOptions } from '../src/create-stack-app.js';
import { serverVersion } from '../src/version.js';
import { captureLogger } from './capture-logger.js';
import { createFakeStack, fakeModels, testRoutes } from './fake-stack.js';

const routes = [...modelsRoutes, ...testRoutes];

function setup(options: StackAppOptions = {}) {
  const stack = createFakeStack();
  const { logger, lines } = captureLogger();
  const app = createStackApp(stack, { routes, logger, ...options });
  return { app, stack, lines };
}

function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

async function errorOf(response: Response): Promise<ErrorResponse['error']> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as ErrorResponse).error;
}

describe('createStackApp: the models routes', () => {
  it('lists the models', async () => {
    const { app } = setup();
    const response = await app.request('/models/list');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: fakeModels });
  });

  it('gets one model by the identifier query parameter', async () => {
    const { app, stack } = setup();
    const response = await app.request('/models/get?identifier=tiny-llm');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(fakeModels[0]);
    expect(stack.record.requests).toEqual([{ operation: 'getModel', request: { identifier: 'tiny-llm' } }]);
  });

  it('answers 400 naming the missing query parameter, and never calls the provider', async () => {
    const { app, stack } = setup();
    const response = await app.request('/models/get');
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_request', field: 'identifier' });
    expect(stack.record.requests).toEqual([]);
  });

  it("passes a provider's NotFoundError through as 404 with its hint", async () => {
    const { app } = setup();
    const response = await app.request('/models/get?identifier=nope');
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('not_found');
    expect(error.message).toContain("Unknown model 'nope'");
    expect(error.message).toContain('distribution.yaml');
  });
});

describe('createStackApp: calling operations', () => {
  it('hands the provider the parsed request (defaults applied) and an AbortSignal', async () => {
    const { app, stack } = setup();
    const response = await app.request('/test/echo', postJson({ text: 'ab', count: 2 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: 'abab' });
    expect(stack.record.requests).toEqual([
      { operation: 'echo', request: { text: 'ab', count: 2, fail_with: 'bug', options: { upper: false } } },
    ]);
    expect(stack.record.signals[0]).toBeInstanceOf(AbortSignal);
  });

  it('converts query strings to the numbers, booleans and arrays the schema declares', async () => {
    const { app, stack } = setup();
    const response = await app.request('/test/sum?a=1&b=2.5&tags=x&tags=y&exact=true');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sum: 3.5, tags: ['x', 'y'], exact: true });
    expect(stack.record.requests[0]?.request).toEqual({ a: 1, b: 2.5, tags: ['x', 'y'], exact: true });
  });

  it('answers 400 naming a query parameter that does not convert', async () => {
    const { app } = setup();
    const response = await app.request('/test/sum?a=one&b=2');
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.field).toBe('a');
    expect(error.message).toMatch(/^a: /);
  });

  it('answers a null result with 200 and a JSON null body, as FastAPI does', async () => {
    const { app } = setup();
    const response = await app.request('/test/nothing?id=7', { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe('null');
  });

  it('puts a bare-array body under bodyField, beside the query parameters', async () => {
    const { app, stack } = setup();
    const response = await app.request('/test/batch?model=m1', postJson([{ text: 'a' }, { text: 'b' }]));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ model: 'm1', texts: ['a', 'b'] });
    expect(stack.record.requests[0]?.request).toEqual({ model: 'm1', items: [{ text: 'a' }, { text: 'b' }] });
  });

  it('names the field inside a bare-array body by its bodyField path', async () => {
    const { app } = setup();
    const response = await app.request('/test/batch?model=m1', postJson([{ text: 'a' }, { text: '' }]));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe('items.1.text');
  });
});

describe('createStackApp: bad input is a 4xx naming the fault, never a 5xx', () => {
  it.each([
    ['an empty required string', { text: '' }, 'text'],
    ['a missing required field', { count: 2 }, 'text'],
    ['a wrong type', { text: 'a', count: 'two' }, 'count'],
    ['a nested field', { text: 'a', options: { upper: 'yes' } }, 'options.upper'],
    ['a body that is not an object', [1, 2], '(root)'],
  ])('%s -> 400 naming %s', async (_, body, field) => {
    const { app, stack } = setup();
    const response = await app.request('/test/echo', postJson(body));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'invalid_request', field });
    expect(error.request_id).toBe(response.headers.get('X-Request-Id'));
    expect(stack.record.requests).toEqual([]);
  });

  it('malformed JSON -> 400 saying the body is not JSON', async () => {
    const { app } = setup();
    const response = await app.request('/test/echo', postJson('{"text": "a",'));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'invalid_request', field: '(body)' });
    expect(error.message).toContain('not valid JSON');
  });

  it('parses a body over 1 MiB off the event loop with the same answers: the value, 400 malformed, 400 too deep', async () => {
    const { app } = setup();
    const text = 'é'.repeat(700_000);
    const echoed = await app.request('/test/echo', postJson({ text }));
    expect(echoed.status).toBe(200);
    expect(((await echoed.json()) as { text: string }).text).toBe(text);
    const malformed = await app.request('/test/echo', postJson(`{"text": "${text}",`));
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).message).toContain('not valid JSON');
    const deep = await app.request(
      '/test/echo',
      postJson(`{"text": "${text}", "options": ${'['.repeat(100)}${']'.repeat(100)}}`),
    );
    expect(deep.status).toBe(400);
    expect(await errorOf(deep)).toMatchObject({ field: 'options.0.0.….0.0' });
  });

  it('a body that is not JSON by its Content-Type -> 415', async () => {
    const { app } = setup();
    const response = await app.request('/test/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'text=a',
    });
    expect(response.status).toBe(415);
    const error = await errorOf(response);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('application/json');
  });

  it('a JSON body without Content-Type is accepted, as FastAPI does', async () => {
    const { app } = setup();
    const body = new TextEncoder().encode('{"text":"a"}');
    const response = await app.request('/test/echo', { method: 'POST', body });
    expect(response.status).toBe(200);
  });

  it('a text/plain body -> 415', async () => {
    const { app } = setup();
    const response = await app.request('/test/echo', { method: 'POST', body: '{"text":"a"}' });
    expect(response.status).toBe(415);
  });

  it('accepts application/json with a charset and +json types', async () => {
    const { app } = setup();
    for (const contentType of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      const response = await app.request(
        '/test/echo',
        postJson({ text: 'a' }, { 'Content-Type': contentType }),
      );
      expect(response.status).toBe(200);
    }
  });

  it('a body over the limit -> 413 with the error body, before validation', async () => {
    const { app, stack } = setup({ bodyLimitBytes: 64 });
    const response = await app.request('/test/echo', postJson({ text: 'x'.repeat(100) }));
    expect(response.status).toBe(413);
    const error = await errorOf(response);
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toContain('64 bytes');
    expect(error.request_id).toBe(response.headers.get('X-Request-Id'));
    expect(stack.record.requests).toEqual([]);
  });

  it('answers 413 and 401 on the OpenAI and TGI routes in their own shapes, naming the setting to raise', async () => {
    const { app } = setup({ bodyLimitBytes: 64 });
    const big = postJson({ model: 'tiny-llm', prompt: 'x'.repeat(100) });
    const openAi = await app.request('/v1/completions', big);
    expect(openAi.status).toBe(413);
    expect(await openAi.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'payload_too_large', param: null },
    });
    const tgi = await app.request('/generate', postJson({ inputs: 'x'.repeat(100) }));
    expect(tgi.status).toBe(413);
    const tgiBody = (await tgi.json()) as { error: string; error_type: string };
    expect(tgiBody.error).toContain('LLAMA_STACK_TS_MAX_BODY_BYTES');
    expect(tgiBody.error).not.toContain('bodyLimitBytes');

    const { app: closed } = setup({ authKey: 'k3y' });
    const unauthorized = await closed.request('/v1/models');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { type: expect.any(String), param: null } });
  });

  it('the default body limit is 10 MiB', async () => {
    const { app } = setup();
    const big = JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024) });
    expect((await app.request('/test/echo', postJson(big))).status).toBe(413);
  });
});

describe('createStackApp: errors', () => {
  it('an unknown API -> 404 naming the API and the distribution', async () => {
    const { app } = setup();
    const response = await app.request('/test/unserved', postJson({ text: 'a' }));
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('api_not_served');
    expect(error.message).toContain("'safety'");
    expect(error.message).toContain("'test-distribution'");
  });

  it('an unserved API is a 404 even when the input is bad', async () => {
    const { app } = setup();
    expect((await app.request('/test/unserved', postJson('{'))).status).toBe(404);
  });

  it('an exception inside a provider -> 500 with the request id, no internal detail, logged with its stack', async () => {
    const { app, lines } = setup();
    const response = await app.request('/test/explode', postJson({}, { 'X-Request-Id': 'req-boom' }));
    expect(response.status).toBe(500);
    expect(response.headers.get('X-Request-Id')).toBe('req-boom');
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(text).not.toContain('provider.ts');
    const { error } = JSON.parse(text) as ErrorResponse;
    expect(error).toEqual({
      code: 'internal_error',
      message: 'Internal server error. The server log has the details under request id req-boom.',
      request_id: 'req-boom',
    });
    const failure = lines.find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({ level: 50, request_id: 'req-boom', path: '/test/explode' });
    expect(JSON.stringify(failure)).toContain('secret internal detail');
    expect((failure?.err as { stack?: string } | undefined)?.stack).toContain('fake-stack.ts');
  });

  it("a provider's StackError keeps its status, code and field", async () => {
    const { app } = setup();
    const response = await app.request('/test/conflict', postJson({}));
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toMatchObject({ code: 'conflict', field: 'bank_id' });
  });

  it('an operation the provider lacks -> 501', async () => {
    const { app } = setup();
    const response = await app.request('/test/unimplemented', postJson({}));
    expect(response.status).toBe(501);
    expect((await errorOf(response)).message).toContain('unimplemented');
  });

  it('an unknown path -> 404 in the same error shape', async () => {
    const { app } = setup();
    const response = await app.request('/nowhere');
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: 'route_not_found' });
  });

  it('refuses a route table entry that streams without a streamOperation', () => {
    const broken = [{ ...testRoutes[0], streamOperation: undefined }];
    expect(() => createStackApp(createFakeStack(), { routes: broken as never })).toThrow(
      /names no streamOperation/,
    );
  });
});

describe('createStackApp: auth', () => {
  it('requires the bearer key on API routes when authKey is set', async () => {
    const { app } = setup({ authKey: 'k3y' });
    const denied = await app.request('/models/list');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect(await errorOf(denied)).toMatchObject({ code: 'unauthorized' });

    expect((await app.request('/models/list', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    expect((await app.request('/models/list', { headers: { Authorization: 'Bearer k3y' } })).status).toBe(
      200,
    );
  });

  it('checks the key before reading the body', async () => {
    const { app, stack } = setup({ authKey: 'k3y', bodyLimitBytes: 8 });
    const response = await app.request('/test/echo', postJson({ text: 'far too long for the limit' }));
    expect(response.status).toBe(401);
    expect(stack.record.requests).toEqual([]);
  });

  it('serves /docs with Swagger UI from the package, with nothing from another origin', async () => {
    const { app } = setup({ authKey: 'k3y' });
    const page = await (await app.request('/docs')).text();
    expect(page).not.toMatch(/https?:\/\//);
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
      expect(page).toContain(`docs/${asset}`);
      const response = await app.request(`/docs/${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect((await app.request('/docs/package.json')).status).toBe(404);
  });

  it('leaves /health, /docs and /openapi.json open, /version closed', async () => {
    const { app } = setup({ authKey: 'k3y' });
    expect((await app.request('/health')).status).toBe(200);
    expect((await app.request('/docs')).status).toBe(200);
    expect((await app.request('/openapi.json')).status).toBe(200);
    expect((await app.request('/version')).status).toBe(401);
  });

  it('answers 401 on every route of every surface without the key, /metrics too, but for the documented ones', async () => {
    const app = createStackApp(createFakeStack(), { logger: captureLogger().logger, authKey: 'k3y' });
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const open = new Set(['GET /health', 'GET /docs', 'GET /openapi.json']);
    const operations = [
      ...Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, 'x')}`),
      ),
      'GET /metrics',
      'GET /version',
    ].filter((operation) => !open.has(operation));
    expect(operations.length).toBeGreaterThan(40);
    for (const operation of operations) {
      const [method, path] = operation.split(' ') as [string, string];
      const response = await app.request(path, method === 'GET' ? {} : postJson({}, {}));
      expect(response.status, operation).toBe(401);
    }
  });

  it('serves /metrics without the key only when metricsPublic (server.metrics_public) says so', async () => {
    const closed = createStackApp(createFakeStack({ server: { auth_key: 'k3y' } }), {
      routes,
      logger: captureLogger().logger,
    });
    expect((await closed.request('/metrics')).status).toBe(401);
    expect((await closed.request('/metrics', { headers: { Authorization: 'Bearer k3y' } })).status).toBe(200);
    const open = createStackApp(createFakeStack({ server: { auth_key: 'k3y', metrics_public: true } }), {
      routes,
      logger: captureLogger().logger,
    });
    expect((await open.request('/metrics')).status).toBe(200);
    expect((await open.request('/version')).status).toBe(401);
  });

  it('serves mounted apps under their path, behind the key', async () => {
    const dashboard = new Hono().get('/', (c) => c.text('queues'));
    const { app } = setup({ authKey: 'k3y', mounts: [{ path: '/admin/queues', app: dashboard }] });
    expect((await app.request('/admin/queues')).status).toBe(401);
    const authorized = await app.request('/admin/queues', { headers: { Authorization: 'Bearer k3y' } });
    expect(await authorized.text()).toBe('queues');
  });

  it("takes the key and the body limit from the manifest's server section", async () => {
    const stack = createFakeStack({ server: { auth_key: 'from-manifest', max_body_bytes: 32 } });
    const app = createStackApp(stack, { routes, logger: captureLogger().logger });
    expect((await app.request('/models/list')).status).toBe(401);
    const authorized = { Authorization: 'Bearer from-manifest' };
    expect((await app.request('/models/list', { headers: authorized })).status).toBe(200);
    const big = await app.request('/test/echo', postJson({ text: 'x'.repeat(40) }, authorized));
    expect(big.status).toBe(413);

    const overridden = createStackApp(stack, {
      routes,
      logger: captureLogger().logger,
      authKey: 'from-options',
    });
    const headers = { Authorization: 'Bearer from-options' };
    expect((await overridden.request('/models/list', { headers })).status).toBe(200);
  });

  it('never writes the Authorization header to the log', async () => {
    const { app, lines } = setup({ authKey: 'k3y-secret' });
    await app.request('/models/list', { headers: { Authorization: 'Bearer k3y-secret' } });
    await app.request('/models/list', { headers: { Authorization: 'Bearer wrong-secret' } });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(lines)).not.toMatch(/k3y-secret|wrong-secret/);
  });
});

describe('createStackApp: server routes', () => {
  it('/health reports each provider and 200 when all are ok', async () => {
    const { app } = setup();
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      distribution: 'test-distribution',
      providers: [{ provider_id: 'echo', provider_type: 'inline::echo', status: 'ok' }],
    });
  });

  it('/health answers 503 when a provider reports an error or the check throws', async () => {
    const failing = createFakeStack({
      health: async () => [
        { provider_id: 'tgi', provider_type: 'remote::tgi', status: 'error', message: 'down' },
      ],
    });
    const response = await createStackApp(failing, { routes, logger: captureLogger().logger }).request(
      '/health',
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'error' });

    const throwing = createFakeStack({
      health: async () => {
        throw new Error('registry unreachable');
      },
    });
    const thrown = await createStackApp(throwing, { routes, logger: captureLogger().logger }).request(
      '/health',
    );
    expect(thrown.status).toBe(503);
  });

  it('/version reports the package version and the distribution', async () => {
    const { app } = setup();
    expect(await (await app.request('/version')).json()).toEqual({
      version: serverVersion,
      distribution: 'test-distribution',
    });
    expect(serverVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('/openapi.json documents the routes served', async () => {
    const { app } = setup();
    const document = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/models/list', '/test/echo', '/health']),
    );
  });

  it('/docs serves an HTML API reference reading openapi.json', async () => {
    const { app } = setup();
    const response = await app.request('/docs');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('swagger-ui');
    expect(html).toContain("'openapi.json'");
    expect(html).toContain('Llama Stack: test-distribution');
  });
});

describe('createStackApp: embedding', () => {
  it('mounts inside another Hono app, keeping its error shape', async () => {
    const { app: stackApp } = setup();
    const parent = new Hono();
    parent.get('/', (c) => c.text('my app'));
    parent.route('/llama', stackApp);

    expect(await (await parent.request('/')).text()).toBe('my app');
    const models = await parent.request('/llama/models/list');
    expect(models.status).toBe(200);
    expect(models.headers.get('X-Request-Id')).toBeTruthy();

    const bad = await parent.request('/llama/test/echo', postJson({ text: '' }));
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).field).toBe('text');

    const boom = await parent.request('/llama/test/explode', postJson({}));
    expect(boom.status).toBe(500);
    expect((await errorOf(boom)).code).toBe('internal_error');
  });

  it('serves allRoutes by default', async () => {
    const app = createStackApp(createFakeStack(), { logger: captureLogger().logger });
    expect((await app.request('/models/list')).status).toBe(200);
    const response = await app.request('/inference/chat_completion', postJson({}));
    expect(response.status).toBe(400);
  });
});

describe('createStackApp: browsers, on loopback without auth', () => {
  const request = (
    app: ReturnType<typeof setup>['app'],
    headers: Record<string, string>,
    init: RequestInit = {},
  ) => app.request('/models/list', { ...init, headers });

  it('refuses a Host it does not answer to (DNS rebinding), naming the setting that allows it', async () => {
    const { app } = setup();
    for (const host of ['localhost:8321', '127.0.0.1:8321', '[::1]:8321']) {
      expect((await request(app, { Host: host })).status, host).toBe(200);
    }
    const rebound = await request(app, { Host: 'attacker.example:8321' });
    expect(rebound.status).toBe(403);
    expect((await errorOf(rebound)).message).toContain('server.allowed_hosts');
    const { app: allowing } = setup({ allowedHosts: ['llama.internal'] });
    expect((await request(allowing, { Host: 'llama.internal:8321' })).status).toBe(200);
  });

  it('refuses cross-site browser requests, body-less POSTs included, and lets same-origin pages through', async () => {
    const { app, stack } = setup();
    const crossSite = await app.request('/test/echo', {
      method: 'POST',
      headers: { Host: '127.0.0.1:8321', Origin: 'https://attacker.example' },
    });
    expect(crossSite.status).toBe(403);
    expect((await errorOf(crossSite)).message).toContain('server.cors_origins');
    expect((await request(app, { Host: '127.0.0.1:8321', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await request(app, { Host: '127.0.0.1:8321', Origin: 'null' })).status).toBe(403);
    expect(stack.record.requests).toEqual([]);
    expect(
      (
        await request(app, {
          Host: '127.0.0.1:8321',
          Origin: 'http://127.0.0.1:8321',
          'Sec-Fetch-Site': 'same-origin',
        })
      ).status,
    ).toBe(200);
  });

  it('answers CORS for the origins it is given, and only those', async () => {
    const { app } = setup({ corsOrigins: ['https://app.example'] });
    const preflight = await app.request('/test/echo', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const allowed = await request(app, { Origin: 'https://app.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await request(app, { Origin: 'https://other.example' })).status).toBe(403);
  });

  it('steps aside with auth on, or when served on another interface', async () => {
    const headers = { Host: 'llama.example', Origin: 'https://attacker.example' };
    const { app: withAuth } = setup({ authKey: 'k3y' });
    expect((await request(withAuth, { ...headers, Authorization: 'Bearer k3y' })).status).toBe(200);
    const { app: public_ } = setup({ host: '0.0.0.0' });
    expect((await request(public_, headers)).status).toBe(200);
  });
});
