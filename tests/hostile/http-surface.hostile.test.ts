import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Findings 3 and 7-10 of the hostile-input probe, over real HTTP against `run local` on
// stories260K: what a careless client or a web page could do to the server's routes.

/** `local`'s default LLAMA_STACK_TS_MODEL_ID, here serving stories260K. */
const localModelId = 'llama3.2-1b-instruct';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request on a connection of its own, with headers `fetch` will not send (Host) or checks (sizes). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<RawResponse>((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

describeWithModels('hostile requests to `run local`', [testModels.stories], () => {
  let home: string;
  let open: RunningDistribution;
  let locked: RunningDistribution;
  let overloaded: RunningDistribution;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-hostile-http-'));
    [open, locked, overloaded] = await Promise.all([
      startLocalDistribution({ home: join(home, 'open') }),
      startLocalDistribution({
        home: join(home, 'locked'),
        env: { LLAMA_STACK_TS_AUTH_KEY: 'hostile-test-key', LLAMA_STACK_TS_JOBS_DASHBOARD: 'true' },
      }),
      startLocalDistribution({
        home: join(home, 'overloaded'),
        env: { LLAMA_CPP_PARALLEL_SEQUENCES: '1', LLAMA_CPP_MAX_QUEUE: '0' },
      }),
    ]);
  });

  afterAll(async () => {
    await killAllChildren();
    await rm(home, { recursive: true, force: true });
  });

  describe('3. auth', () => {
    it('answers /metrics 401 without the token when auth is on', async () => {
      expect((await fetch(`${locked.url}/metrics`)).status).toBe(401);
      const authorized = await fetch(`${locked.url}/metrics`, {
        headers: { Authorization: 'Bearer hostile-test-key' },
      });
      expect(authorized.status).toBe(200);
      expect((await fetch(`${locked.url}/health`)).status).toBe(200);
    });

    it('answers every route of its OpenAPI document 401 without the token, but /health, /docs and /openapi.json', async () => {
      const document = (await (await fetch(`${locked.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods)
          .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') })),
      );
      // All three surfaces are documented there: the native, OpenAI and TGI routes.
      expect(operations.map((operation) => operation.path)).toEqual(
        expect.arrayContaining(['/inference/completion', '/v1/chat/completions', '/generate', '/tokenize']),
      );
      const documentedPublic = ['/health', '/openapi.json', '/docs'];
      // Served besides the document: the Prometheus metrics and the jobs dashboard (switched on here).
      const undocumented = [
        { method: 'GET', path: '/metrics' },
        { method: 'GET', path: '/admin/queues' },
      ];
      for (const { method, path } of [...operations, ...undocumented]) {
        const call = (headers: Record<string, string>) =>
          fetch(`${locked.url}${path}`, {
            method,
            headers: { ...headers, ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }) },
            ...(method === 'GET' ? {} : { body: '{}' }),
          });
        const anonymous = await call({});
        const expected = documentedPublic.includes(path) ? 200 : 401;
        expect(anonymous.status, `${method} ${path} without the token`).toBe(expected);
        if (expected === 401) {
          const authorized = await call({ Authorization: 'Bearer hostile-test-key' });
          expect(authorized.status, `${method} ${path} with the token`).not.toBe(401);
        }
      }
      expect((await fetch(`${locked.url}/docs`)).status).toBe(200);
    });
  });

  describe('7. bad input', () => {
    it('refuses JSON nested 10,000 deep in document metadata with a 400, not a stack overflow', async () => {
      expect(
        (await postJson(`${open.url}/memory_banks/create?bank_uuid=deep&bank_name=deep`, [])).status,
      ).toBe(200);
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      const body = `[{"uuid":"d","content":"x","mime_type":"text/plain","metadata":${deep}}]`;
      const response = await fetch(`${open.url}/memory_bank/insert?bank_uuid=deep`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('levels deep');
    });

    it('answers an over-long or non-ASCII agent id 400 naming the field, on every agent route', async () => {
      const id = 'é'.repeat(40);
      const create = await postJson(`${open.url}/agentic_system/create`, {
        uuid: id,
        model: localModelId,
        instructions: 'x',
      });
      expect(create.status).toBe(400);
      expect(((await create.json()) as { error: { field: string } }).error.field).toBe('uuid');
      const session = await postJson(`${open.url}/agentic_system/session/create`, { agent_uuid: id });
      expect(session.status).toBe(400);
    });

    it('refuses a document id holding a lone surrogate instead of altering it', async () => {
      expect((await postJson(`${open.url}/memory_banks/create?bank_uuid=ids&bank_name=ids`, [])).status).toBe(
        200,
      );
      const response = await fetch(`${open.url}/memory_bank/insert?bank_uuid=ids`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '[{"uuid":"doc-\\ud800","content":"x","mime_type":"text/plain"}]',
      });
      expect(response.status).toBe(400);
    });
  });

  describe('8. overload', () => {
    const hold = (url: string) =>
      postJson(`${url}/inference/completion`, {
        model: localModelId,
        content: 'Once upon a time',
        sampling_params: { max_tokens: 256 },
        stream: true,
      });

    it('answers 429 with Retry-After past max_queue (LLAMA_CPP_MAX_QUEUE reaches the provider)', async () => {
      const busy = await hold(overloaded.url);
      const refused = await postJson(`${overloaded.url}/v1/completions`, {
        model: localModelId,
        prompt: 'Hi',
      });
      await busy.body?.cancel();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('answers a streamed agent turn past the queue 429, not 200 with an error event', async () => {
      await postJson(`${overloaded.url}/agentic_system/create`, {
        uuid: 'busy-agent',
        model: localModelId,
        instructions: 'Tell a story.',
      });
      const busy = await hold(overloaded.url);
      const turn = await postJson(`${overloaded.url}/agentic_system/turn/create`, {
        agent_uuid: 'busy-agent',
        session_id: 'none',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(turn.status).toBe(404);
      const execute = await postJson(`${overloaded.url}/agentic_system/execute`, {
        agent_uuid: 'busy-agent',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      await busy.body?.cancel();
      expect(execute.status).toBe(429);
      expect(execute.headers.get('retry-after')).not.toBeNull();
    });
  });

  describe('9. browsers', () => {
    it('refuses a Host it does not answer to (DNS rebinding)', async () => {
      const response = await rawRequest(`${open.url}/models/list`, {
        headers: { Host: `rebound.attacker.example:${open.port}` },
      });
      expect(response.status).toBe(403);
    });

    it('refuses cross-site posts: text/plain on /v1, multipart on /generate, a body-less memory bank create', async () => {
      const crossSite = { Origin: 'https://attacker.example', 'Sec-Fetch-Site': 'cross-site' };
      const chat = await fetch(`${open.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ model: localModelId, messages: [{ role: 'user', content: 'Hi' }] }),
      });
      expect(chat.status).toBe(415);
      const form = new FormData();
      form.set('inputs', 'Hi');
      expect((await fetch(`${open.url}/generate`, { method: 'POST', body: form })).status).toBe(415);
      const bank = await fetch(`${open.url}/memory_banks/create?bank_uuid=planted&bank_name=planted`, {
        method: 'POST',
        headers: crossSite,
      });
      expect(bank.status).toBe(403);
      const banks = await (await fetch(`${open.url}/memory_banks/get`)).json();
      expect(JSON.stringify(banks)).not.toContain('planted');
    });
  });

  describe('10. messages', () => {
    it("answers a /v1 413 in OpenAI's shape, naming LLAMA_STACK_TS_MAX_BODY_BYTES", async () => {
      const response = await rawRequest(`${open.url}/v1/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(64 * 1024 * 1024) },
      });
      expect(response.status).toBe(413);
      const body = JSON.parse(response.body) as { error: { message: string; type: string } };
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message).toContain('LLAMA_STACK_TS_MAX_BODY_BYTES');
    });

    it('answers a 431 with a body saying why', async () => {
      const response = await rawRequest(`${open.url}/models/list`, {
        headers: { 'X-Padding': 'x'.repeat(20_000) },
      });
      expect(response.status).toBe(431);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'headers_too_large' } });
    });

    it('tells a huge max_tokens (native, OpenAI) or max_new_tokens (TGI) the limit, and an image in the wrong form what an attachment is', async () => {
      const huge = await postJson(`${open.url}/inference/chat_completion`, {
        model: localModelId,
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 2 ** 53,
      });
      expect(huge.status).toBe(400);
      expect(await huge.text()).toContain('at most');
      for (const [path, body, status] of [
        [
          '/v1/chat/completions',
          { model: localModelId, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 ** 53 },
          400,
        ],
        ['/generate', { inputs: 'Hi', parameters: { max_new_tokens: 2 ** 53 } }, 422],
      ] as const) {
        const response = await postJson(`${open.url}${path}`, body);
        const text = await response.text();
        expect(response.status, text).toBe(status);
        expect(text).toContain('must be at most 2147483647');
        expect(text).not.toContain('integer');
      }
      const image = await postJson(`${open.url}/inference/chat_completion`, {
        model: localModelId,
        messages: [{ role: 'user', content: [{ type: 'image', image: { url: 'https://x.example/a.png' } }] }],
      });
      expect(image.status).toBe(400);
      expect(await image.text()).toContain('mime_type');
    });

    it('serves /docs with everything from the server itself', async () => {
      const page = await (await fetch(`${open.url}/docs`)).text();
      expect(page).not.toMatch(/https?:\/\//);
      expect((await fetch(`${open.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    });
  });
});
