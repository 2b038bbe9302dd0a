import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createFixtureServer, type FixtureServer } from '@llama-stack-ts/provider-utils/test';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  startDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { inferenceSuite } from '../support/inference-suite.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { manifestsDir } from '../support/repo-paths.js';
import { describeWithModels, testModels, testModelsDir } from '../support/test-models.js';

// `remote::openai` end to end: the upstream is a second llama-stack-ts (`run local` on the test
// models) serving its /v1 routes; the downstream is `run remote-openai` pointed at it. The faults a
// real upstream cannot be made to show on demand (slow, 429) come from a loopback fixture server.

const chatModel = 'llama3.2-1b-instruct';
const embeddingModel = 'all-MiniLM-L6-v2';
const user = (content: string) => ({ role: 'user' as const, content });

interface ErrorBody {
  error: { code?: string | null; message: string };
}

/** A value of the Prometheus text at `url`/metrics, summed over the series `pattern` matches. */
async function metricSum(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const match of text.matchAll(new RegExp(pattern, 'gm'))) sum += Number(match[1]);
  return sum;
}

describeWithModels(
  'llama-stack-ts run remote-openai, upstream `run local`',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let upstream: RunningDistribution;
    let downstream: RunningDistribution;
    let openai: OpenAI;
    const upstreamEnv = () => ({
      home: join(home, 'upstream'),
      env: { LLAMA_STACK_TS_JOBS_PREFIX: `lsts-e2e-remote-openai-${process.pid}`, LLAMA_CPP_THREADS: '1' },
    });

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-remote-openai-'));
      upstream = await startLocalDistribution(upstreamEnv(), ['--no-worker']);
      downstream = await startDistribution('remote-openai', {
        home: join(home, 'downstream'),
        env: {
          OPENAI_BASE_URL: `${upstream.url}/v1`,
          OPENAI_API_KEY: 'sk-upstream-secret',
          OPENAI_EMBEDDING_MODELS: embeddingModel,
          // The memory banks' local embedder under another id, so `all-MiniLM-L6-v2` is the upstream's.
          LLAMA_STACK_TS_EMBEDDING_MODEL_ID: 'local-embedder',
          LLAMA_STACK_TS_EMBEDDING_MODEL: testModels.bertEmbedder,
          OPENAI_CONNECT_TIMEOUT_MS: '5000',
        },
      });
      openai = new OpenAI({ baseURL: `${downstream.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    });

    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    it('serves the models the upstream lists, and never logs the API key', async () => {
      const models = await openai.models.list();
      const ids = models.data.map((model) => model.id);
      expect(ids).toContain(chatModel);
      expect(ids).toContain(embeddingModel);
      expect(downstream.output()).not.toContain('sk-upstream-secret');
    });

    it('a greedy chat answers what the upstream answers itself', async () => {
      const body = { model: chatModel, messages: [user('Tell a story.')], max_tokens: 8 };
      const [through, direct] = await Promise.all(
        [downstream, upstream].map(async (server) => {
          const response = await postJson(`${server.url}/inference/chat_completion`, body);
          expect(response.status).toBe(200);
          return (await response.json()) as { content: string; stop_reason: string; usage: unknown };
        }),
      );
      expect(through?.content.length).toBeGreaterThan(0);
      expect(through?.content).toBe(direct?.content);
      expect(through?.stop_reason).toBe('max_tokens');
      expect(through?.usage).toEqual(direct?.usage);
    });

    inferenceSuite({ server: () => downstream, chatModel: chatModel });

    it('embeddings: the upstream vectors, in order, through the openai client', async () => {
      const input = ['a red apple', 'the stock market'];
      const [through, direct] = await Promise.all(
        [downstream, upstream].map((server) =>
          new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 }).embeddings.create({
            model: embeddingModel,
            input,
            encoding_format: 'float',
          }),
        ),
      );
      expect(through?.data).toHaveLength(2);
      expect(through?.data.map((item) => item.embedding)).toEqual(direct?.data.map((item) => item.embedding));
    });

    it('a client that leaves cancels the upstream stream (the upstream /metrics shows it)', async () => {
      // A raw completion: stories260K ends a chat turn within a few tokens, but goes on with a story.
      const operation = 'operation="stream_completion"';
      const cancelledBefore = await metricSum(
        upstream.url,
        new RegExp(
          `^llama_stack_inference_requests_total\\{${operation}[^}]*outcome="(?!ok)[^"]*"\\} (\\d+)`,
        ),
      );
      const controller = new AbortController();
      const response = await postJson(
        `${downstream.url}/v1/completions`,
        { model: chatModel, prompt: 'Once upon a time', max_tokens: 2000, stream: true },
        { signal: controller.signal },
      );
      expect(response.status).toBe(200);
      const reader = response.body?.getReader();
      if (!reader) throw new Error('no body');
      for (let i = 0; i < 3; i++) await reader.read();
      expect(
        await metricSum(
          upstream.url,
          new RegExp(`^llama_stack_inference_queue_depth\\{${operation}\\} (\\d+)`),
        ),
      ).toBe(1);
      controller.abort();

      const deadline = Date.now() + 20_000;
      let depth = 1;
      while (Date.now() < deadline) {
        depth = await metricSum(
          upstream.url,
          new RegExp(`^llama_stack_inference_queue_depth\\{${operation}\\} (\\d+)`),
        );
        if (depth === 0) break;
        await delay(100);
      }
      expect(depth).toBe(0);
      const cancelledAfter = await metricSum(
        upstream.url,
        new RegExp(
          `^llama_stack_inference_requests_total\\{${operation}[^}]*outcome="(?!ok)[^"]*"\\} (\\d+)`,
        ),
      );
      expect(cancelledAfter).toBe(cancelledBefore + 1);
    });

    it('a remote model and a local GGUF answer side by side on one server, each from its own provider', async () => {
      const mixed = await startDistribution(join(manifestsDir, 'mixed-inference.yaml'), {
        home: join(home, 'mixed'),
        env: { UPSTREAM_OPENAI_URL: `${upstream.url}/v1`, LLAMA_STACK_TS_TEST_MODELS: testModelsDir },
      });
      try {
        const listed = (await (await fetch(`${mixed.url}/v1/models`)).json()) as { data: { id: string }[] };
        expect(listed.data.map((model) => model.id).sort()).toEqual([chatModel, 'tiny-random']);
        const chatsUpstream = () =>
          metricSum(
            upstream.url,
            /^llama_stack_inference_requests_total\{operation="chat_completion"[^}]*\} (\d+)/,
          );
        const before = await chatsUpstream();
        const chat = async (server: RunningDistribution, model: string) => {
          const response = await postJson(`${server.url}/inference/chat_completion`, {
            model,
            messages: [user('Tell a story.')],
            max_tokens: 6,
          });
          expect(response.status, await response.clone().text()).toBe(200);
          return (await response.json()) as { content: string; usage: { completion_tokens: number } };
        };
        const remote = await chat(mixed, chatModel);
        expect(remote.content).toBe((await chat(upstream, chatModel)).content);
        const local = await chat(mixed, 'tiny-random');
        expect(local.usage.completion_tokens).toBeGreaterThan(0);
        // The upstream answered the remote model's chat and its own, not the local model's.
        expect(await chatsUpstream()).toBe(before + 2);
      } finally {
        await stopDistribution(mixed);
      }
    }, 180_000);

    it('upstream down: 502 naming it and a degraded /health; both recover when it returns', async () => {
      await stopDistribution(upstream, 'SIGKILL');
      const failed = await postJson(`${downstream.url}/inference/chat_completion`, {
        model: chatModel,
        messages: [user('Hi')],
        max_tokens: 2,
      });
      expect(failed.status).toBe(502);
      const body = (await failed.json()) as ErrorBody;
      expect(body.error.code).toBe('upstream_error');
      expect(body.error.message).toContain(`'openai' at ${upstream.url}/v1`);
      expect(body.error.message).not.toContain('sk-upstream-secret');

      const health = await fetch(`${downstream.url}/health`);
      expect(health.status).toBe(503);
      const report = (await health.json()) as { providers: { provider_id: string; status: string }[] };
      expect(report.providers.find((provider) => provider.provider_id === 'openai')?.status).toBe('error');

      upstream = await startLocalDistribution({ ...upstreamEnv(), port: upstream.port }, ['--no-worker']);
      expect((await fetch(`${downstream.url}/health`)).status).toBe(200);
      const recovered = await postJson(`${downstream.url}/inference/chat_completion`, {
        model: chatModel,
        messages: [user('Hi')],
        max_tokens: 2,
      });
      expect(recovered.status).toBe(200);
    }, 240_000);
  },
);

// Faults a real upstream does not show on demand: a loopback fixture speaking the OpenAI protocol.
describe('llama-stack-ts run remote-openai, upstream a fixture that is slow or busy', () => {
  let home: string;
  let fixture: FixtureServer;
  let downstream: RunningDistribution;
  const attempts = new Map<string, number>();
  const upstreamModels = ['slow', 'flaky', 'busy', 'picky'];
  const answer = {
    choices: [{ message: { role: 'assistant', content: 'Fine.' }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-e2e-remote-openai-faults-'));
    fixture = await createFixtureServer({
      'GET /v1/models': () => ({ json: { object: 'list', data: upstreamModels.map((id) => ({ id })) } }),
      'POST /v1/chat/completions': async (request) => {
        const model = (request.body as { model: string }).model;
        const attempt = (attempts.get(model) ?? 0) + 1;
        attempts.set(model, attempt);
        if (model === 'slow') {
          await delay(20_000);
          return { json: answer };
        }
        if ((model === 'flaky' && attempt > 1) || model === 'late') return { json: answer };
        if (model === 'picky') {
          return { status: 400, json: { error: { message: "'messages' is too long for picky" } } };
        }
        return {
          status: 429,
          headers: { 'retry-after': '1' },
          json: { error: { message: `${model} is rate limited`, type: 'rate_limit_error' } },
        };
      },
    });
    downstream = await startDistribution('remote-openai', {
      home,
      env: {
        OPENAI_BASE_URL: `${fixture.url}/v1`,
        OPENAI_CONNECT_TIMEOUT_MS: '2000',
        OPENAI_READ_TIMEOUT_MS: '3000',
        OPENAI_MAX_RETRIES: '2',
        LLAMA_STACK_TS_EMBEDDING_MODEL: testModels.bertEmbedder,
      },
    });
  });

  afterAll(async () => {
    await killAllChildren();
    await fixture?.close();
    await rm(home, { recursive: true, force: true });
  });

  const chat = (model: string, stream = false) =>
    postJson(`${downstream.url}/v1/chat/completions`, { model, messages: [user('Hi')], stream });

  it('a model the upstream lists after start-up is served without a restart', async () => {
    expect((await chat('late')).status).toBe(404);
    upstreamModels.push('late');
    // The downstream asks the upstream again at most every 5 s when a request names an unknown model.
    const deadline = Date.now() + 30_000;
    let status = 404;
    while (status === 404 && Date.now() < deadline) {
      status = (await chat('late')).status;
      if (status === 404) await delay(500);
    }
    expect(status).toBe(200);
    const listed = (await (await fetch(`${downstream.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(listed.data.map((model) => model.id)).toContain('late');
  }, 60_000);

  it('a slow upstream: 504 at the timeout, naming the upstream', async () => {
    const started = Date.now();
    const unstreamed = await chat('slow');
    const unstreamedMs = Date.now() - started;
    expect(unstreamed.status).toBe(504);
    expect(((await unstreamed.json()) as ErrorBody).error.message).toMatch(
      /upstream 'openai' at http:\/\/127\.0\.0\.1:\d+\/v1 .*3000 ms/,
    );
    expect(unstreamedMs).toBeGreaterThanOrEqual(2_900);
    expect(unstreamedMs).toBeLessThan(15_000);

    const streamStarted = Date.now();
    const streamed = await chat('slow', true);
    expect(streamed.status).toBe(504);
    expect(((await streamed.json()) as ErrorBody).error.message).toMatch(/2000 ms/);
    expect(Date.now() - streamStarted).toBeLessThan(15_000);
  });

  it('an upstream 4xx keeps its status and the upstream message, and is not retried', async () => {
    const response = await chat('picky');
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toMatch(/'messages' is too long for picky/);
    expect(attempts.get('picky')).toBe(1);
  });

  it('an upstream 429 is retried after its Retry-After, then answered', async () => {
    const started = Date.now();
    const response = await chat('flaky');
    expect(response.status).toBe(200);
    expect(attempts.get('flaky')).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('an upstream that stays at 429 is passed on: 429, its message and Retry-After', async () => {
    const response = await chat('busy');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as ErrorBody).error.message).toMatch(/busy is rate limited/);
    expect(attempts.get('busy')).toBe(3);
  });
});
