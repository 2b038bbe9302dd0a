import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OverloadedError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { createStackApp } from '../src/create-stack-app.js';
import { StackMetrics } from '../src/metrics/stack-metrics.js';
import { hangUntilAborted } from '../src/test-support/hang-until-aborted.js';
import { scriptedStack } from '../src/test-support/scripted-inference.js';
import { captureLogger } from './capture-logger.js';

/**
 * The three surfaces (Llama Stack, OpenAI, TGI) as peers of one app: each counted in /metrics,
 * each answering 499 in its own shape, each documented, none importing another.
 */

function setup() {
  const scripted = scriptedStack();
  const stack = { ...scripted, health: async () => [], dispose: async () => {} };
  const metrics = new StackMetrics({ collectDefaultMetrics: false });
  const app = createStackApp(stack, { logger: captureLogger().logger, metrics });
  const post = (path: string, body: unknown, init: RequestInit = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req-surface' },
      body: JSON.stringify(body),
      ...init,
    });
  return { app, provider: scripted.provider, post };
}

/** A completion request on each surface, and the shape of its 499. */
const surfaces = [
  {
    name: 'Llama Stack',
    path: '/inference/completion',
    body: { model: 'tiny-llm', content: 'Hi' },
    invalidStatus: 400,
    closed: {
      error: {
        code: 'client_closed_request',
        message: 'The client closed the request.',
        request_id: 'req-surface',
      },
    },
  },
  {
    name: 'OpenAI',
    path: '/v1/completions',
    body: { model: 'tiny-llm', prompt: 'Hi' },
    invalidStatus: 400,
    closed: {
      error: {
        message: 'The client closed the request.',
        type: 'invalid_request_error',
        param: null,
        code: 'client_closed_request',
      },
    },
  },
  {
    name: 'TGI',
    path: '/generate',
    body: { inputs: 'Hi' },
    // TGI answers every invalid request 422.
    invalidStatus: 422,
    closed: { error: 'The client closed the request.', error_type: 'client_closed_request' },
  },
];

describe('the surfaces of one app', () => {
  it('counts a native /inference/completion in /metrics, as the OpenAI and TGI ones', async () => {
    const { app, post } = setup();
    for (const { path, body } of surfaces) expect((await post(path, body)).status).toBe(200);
    const streamed = await post('/inference/completion', { model: 'tiny-llm', content: 'Hi', stream: true });
    await streamed.text();

    const text = await (await app.request('/metrics')).text();
    expect(text).toContain(
      'llama_stack_inference_requests_total{operation="completion",model="tiny-llm",outcome="ok"} 3',
    );
    expect(text).toContain(
      'llama_stack_inference_requests_total{operation="stream_completion",model="tiny-llm",outcome="ok"} 1',
    );
    expect(text).toMatch(/llama_stack_inference_time_to_first_token_seconds_count\{model="tiny-llm"\} 1\n/);
    expect(text).toContain(
      'llama_stack_http_requests_total{method="POST",route="/inference/completion",status="200"} 2',
    );
  });

  it.each(surfaces)(
    'answers 499 in its own shape when the client closes the request: $name',
    async ({ path, body, closed }) => {
      const { post, provider } = setup();
      const hang = hangUntilAborted();
      provider.completion = hang.operation;
      const client = new AbortController();
      const pending = post(path, body, { signal: client.signal });
      await expect.poll(hang.calls).toBe(1);
      client.abort(new Error('client went away'));
      const response = await pending;
      expect(response.status).toBe(499);
      expect(await response.json()).toEqual(closed);
    },
  );

  it.each(surfaces)(
    'refuses in its own shape, before any schema work, a body nested 10,000 deep: $name',
    async ({ path, body, invalidStatus }) => {
      const { post, provider } = setup();
      let calls = 0;
      provider.completion = async () => {
        calls += 1;
        throw new Error('never called');
      };
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const raw = JSON.stringify({ ...body, extra: '__deep__' }).replace('"__deep__"', deep);
      const response = await post(path, undefined, { body: raw });
      expect(response.status).toBe(invalidStatus);
      expect(JSON.stringify(await response.json())).toContain('more than 64 levels deep');
      expect(calls).toBe(0);
    },
  );

  it.each(surfaces)(
    'refuses bodies a cross-site HTML form can send (text/plain, urlencoded, multipart): $name',
    async ({ path, body }) => {
      const { post } = setup();
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const response = await post(path, body, { headers: { 'Content-Type': type } });
        expect(response.status, type).toBe(415);
      }
    },
  );

  it.each(surfaces)(
    'answers 429 with Retry-After when the model is overloaded: $name',
    async ({ path, body }) => {
      const { post, provider } = setup();
      provider.completion = async () => {
        throw new OverloadedError('Model is overloaded: retry later.', { retryAfterSeconds: 2 });
      };
      const response = await post(path, body);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
    },
  );

  it('documents every surface in /openapi.json, each with its error shape', async () => {
    const { app } = setup();
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown> }>>;
    };
    const tagOf = (path: string, method = 'post') => document.paths[path]?.[method]?.tags[0];
    expect(tagOf('/inference/completion')).toBe('inference');
    for (const path of ['/v1/chat/completions', '/v1/completions', '/v1/embeddings']) {
      expect(tagOf(path)).toBe('openai');
    }
    expect(tagOf('/v1/models', 'get')).toBe('openai');
    expect(tagOf('/v1/models/{model}', 'get')).toBe('openai');
    for (const path of ['/generate', '/generate_stream', '/', '/tokenize']) expect(tagOf(path)).toBe('tgi');
    expect(tagOf('/info', 'get')).toBe('tgi');
    expect(document.paths['/generate']?.post?.responses.default).toEqual({
      description: 'An error.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/TgiErrorResponse' } } },
    });
  });

  it('are peers: no surface folder imports another', async () => {
    const source = join(import.meta.dirname, '../src');
    const folders = ['llama-stack', 'openai', 'tgi'];
    for (const folder of folders) {
      for (const file of await readdir(join(source, folder))) {
        const text = await readFile(join(source, folder, file), 'utf8');
        for (const other of folders.filter((name) => name !== folder)) {
          expect(text, `${folder}/${file} imports from ${other}/`).not.toContain(`'../${other}/`);
        }
      }
    }
  });
});
