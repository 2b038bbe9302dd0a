import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApiName,
  ChatCompletionRequest,
  type ChatCompletionResponse,
  type Inference,
  InvalidRequestError,
  type ProviderContext,
  type ProviderInstance,
  type StackError,
  UpstreamError,
  UpstreamTimeoutError,
} from '@llama-stack-ts/core';
import { createFixtureServer, type FixtureServer } from '@llama-stack-ts/provider-utils/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remoteLlamaStackProviderSpecs } from '../src/index.js';

// The provider against a loopback upstream that speaks the llama-stack-ts wire (its error bodies,
// /models/list, /health) and shows on demand the faults a real one does not: 503, 500, a stall.

let dataDir: string;
let server: FixtureServer | undefined;
const warnings: string[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lsts-remote-llama-stack-'));
  warnings.length = 0;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const model = (identifier: string, model_type: string) => ({
  identifier,
  provider_id: 'upstream-provider',
  provider_resource_id: `/models/${identifier}.gguf`,
  model_type,
  metadata: {},
});

const answer: ChatCompletionResponse = {
  content: 'Fine.',
  tool_calls: [],
  stop_reason: 'finished_ok',
  usage: { prompt_tokens: 3, completion_tokens: 1 },
};

/** An error body as a llama-stack-ts server writes it. */
const errorBody = (code: string, message: string, field?: string) => ({
  error: { code, message, ...(field ? { field } : {}), request_id: 'upstream-request' },
});

async function startUpstream(): Promise<FixtureServer> {
  const attempts = new Map<string, number>();
  server = await createFixtureServer({
    'GET /models/list': {
      json: { data: [model('chat', 'llm'), model('embedder', 'embedding'), model('judge', 'reward')] },
    },
    'GET /health': { json: { status: 'ok' } },
    'POST /inference/tokenize': (request) =>
      (request.body as { model: string }).model === 'busy'
        ? {
            json: {
              tokens: [
                { id: 1, text: '', special: true },
                { id: 42, text: 'Hi' },
              ],
            },
          }
        : {
            status: 501,
            json: errorBody('not_implemented', "Provider 'inline::echo' does not implement 'tokenize'."),
          },
    'GET /inference/model_info': { json: { context_length: 2048, parallel_sequences: 2 } },
    'POST /inference/chat_completion': (request) => {
      const name = (request.body as { model: string }).model;
      const attempt = (attempts.get(name) ?? 0) + 1;
      attempts.set(name, attempt);
      if (name === 'busy' && attempt === 1) {
        return { status: 503, headers: { 'retry-after': '0' }, json: errorBody('overloaded', 'busy') };
      }
      if (name === 'picky') {
        return {
          status: 400,
          json: errorBody('invalid_request', "Invalid 'messages': too long for picky", 'messages'),
        };
      }
      if (name === 'rate-limited') {
        return { status: 429, headers: { 'retry-after': '7' }, json: errorBody('overloaded', 'slow down') };
      }
      if (name === 'broken') return { status: 500, json: errorBody('internal_error', 'it broke') };
      if (name === 'slow') return { hang: true };
      return { json: answer };
    },
  });
  return server;
}

async function create(
  api: ApiName,
  url: string,
  config: Record<string, unknown> = {},
  providerId = 'upstream',
): Promise<ProviderInstance<unknown>> {
  const spec = remoteLlamaStackProviderSpecs.find((candidate) => candidate.api === api);
  if (!spec) throw new Error(`no spec for ${api}`);
  const context: ProviderContext = {
    providerId,
    dataDir,
    deps: {},
    models: [
      {
        identifier: 'alias',
        provider_id: 'upstream',
        provider_resource_id: 'busy',
        model_type: 'llm',
        metadata: {},
      },
    ],
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  };
  return spec.create(
    spec.configSchema.parse({ base_url: `${url}/`, api_key: 'secret-token', ...config }),
    context,
  );
}

describe('remote::llama-stack', () => {
  it('exports one spec per API, each forwarding every operation of its routes', async () => {
    const apis = remoteLlamaStackProviderSpecs.map((spec) => spec.api);
    expect(apis).toContain('inference');
    expect(apis).toContain('memory_banks');
    expect(new Set(apis).size).toBe(apis.length);
    const upstream = await startUpstream();
    const { implementation } = await create('agentic_system', upstream.url);
    for (const operation of ['createAgenticSystem', 'streamExecuteSessionTurn', 'getSession']) {
      expect(typeof (implementation as Record<string, unknown>)[operation]).toBe('function');
    }
  });

  it("discovers the upstream's models of the API's types, beside the manifest's", async () => {
    const upstream = await startUpstream();
    const inference = await create('inference', upstream.url);
    expect(await inference.discoverModels?.()).toEqual([
      { identifier: 'chat', provider_resource_id: 'chat', model_type: 'llm' },
      { identifier: 'embedder', provider_resource_id: 'embedder', model_type: 'embedding' },
    ]);
    const rewardScoring = await create('reward_scoring', upstream.url);
    expect((await rewardScoring.discoverModels?.())?.map((m) => m.identifier)).toEqual(['judge']);
    expect((await create('safety', upstream.url)).discoverModels).toBeUndefined();
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer secret-token');
  });

  it("sends a manifest model as its upstream id, and retries the upstream's 503", async () => {
    const upstream = await startUpstream();
    const { implementation } = (await create('inference', upstream.url)) as ProviderInstance<Inference>;
    expect(
      await implementation.chatCompletion(
        ChatCompletionRequest.parse({ model: 'alias', messages: [{ role: 'user', content: 'Hi' }] }),
      ),
    ).toEqual(answer);
    const chats = upstream.requests.filter((request) => request.path === '/inference/chat_completion');
    expect(chats.map((request) => (request.body as { model: string }).model)).toEqual(['busy', 'busy']);
    expect(chats[0]?.body).toMatchObject({ stream: false });
  });

  it('maps upstream failures as a gateway: 4xx as raised, 5xx a 502 and a stall a 504 naming the upstream', async () => {
    const upstream = await startUpstream();
    const { implementation } = (await create('inference', upstream.url, {
      read_timeout_ms: 3000, // past what a loaded machine takes to answer the quick requests
      max_retry_delay_ms: 1000,
    })) as ProviderInstance<Inference>;
    const chat = (name: string) =>
      implementation.chatCompletion(
        ChatCompletionRequest.parse({ model: name, messages: [{ role: 'user', content: 'Hi' }] }),
      );

    const picky = await chat('picky').catch((error: unknown) => error);
    expect(picky).toBeInstanceOf(InvalidRequestError);
    expect(picky).toMatchObject({
      status: 400,
      field: 'messages',
      message: "Invalid 'messages': too long for picky",
    });

    // 7 s is past max_retry_delay_ms: passed on at once, with the upstream's Retry-After.
    const limited = await chat('rate-limited').catch((error: unknown) => error);
    expect(limited).toMatchObject({ status: 429, message: 'slow down', retryAfterSeconds: 7 });

    const broken = await chat('broken').catch((error: unknown) => error);
    expect(broken).toBeInstanceOf(UpstreamError);
    expect((broken as StackError).status).toBe(502);
    expect((broken as Error).message).toContain(`'upstream' at ${upstream.url}`);
    expect((broken as Error).message).toContain('it broke');

    const slow = await chat('slow').catch((error: unknown) => error);
    expect(slow).toBeInstanceOf(UpstreamTimeoutError);
    expect((slow as StackError).status).toBe(504);
  });

  it('passes the caller abort on, so the upstream sees the client leave', async () => {
    const upstream = await startUpstream();
    const { implementation } = (await create('inference', upstream.url)) as ProviderInstance<Inference>;
    const controller = new AbortController();
    const call = implementation.chatCompletion(
      ChatCompletionRequest.parse({ model: 'slow', messages: [{ role: 'user', content: 'Hi' }] }),
      { signal: controller.signal },
    );
    while (!upstream.requests.some((request) => request.path === '/inference/chat_completion')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    await expect(call).rejects.toThrow();
    const slow = upstream.requests.find((request) => request.path === '/inference/chat_completion');
    while (!slow?.disconnected) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(slow.disconnected).toBe(true);
  });

  it('reports health from the upstream, degraded while it is down, without the API key', async () => {
    const upstream = await startUpstream();
    const instance = await create('memory_banks', upstream.url);
    expect(await instance.health?.()).toEqual({ status: 'ok' });
    await upstream.close();
    const down = await instance.health?.().catch((error: Error) => error.message);
    expect(down).toContain(`'upstream' at ${upstream.url}`);
    expect(down).not.toContain('secret-token');
  });

  it("makes one upstream /health call for a stack's providers of one upstream, each naming itself when it is down", async () => {
    const upstream = await startUpstream();
    const instances = await Promise.all(
      remoteLlamaStackProviderSpecs.map((spec) => create(spec.api, upstream.url, {}, `upstream-${spec.api}`)),
    );
    // As the stack's /health asks them: all at once, a throw reported as degraded with its message.
    const healthAll = () =>
      Promise.all(
        instances.map((instance) =>
          instance.health?.().catch((error: Error) => ({ status: 'error', message: error.message })),
        ),
      );
    expect(await healthAll()).toEqual(instances.map(() => ({ status: 'ok' })));
    expect(upstream.requests.filter((request) => request.path === '/health')).toHaveLength(1);
    await healthAll();
    expect(upstream.requests.filter((request) => request.path === '/health')).toHaveLength(2);

    await upstream.close();
    const down = await healthAll();
    for (const [index, spec] of remoteLlamaStackProviderSpecs.entries()) {
      expect(down[index]?.status).toBe('error');
      expect(down[index]?.message).toContain(`'upstream-${spec.api}' at ${upstream.url}`);
      expect(down[index]?.message).not.toContain('secret-token');
    }
  });

  it("lists the upstream's models once for the providers that discover them together", async () => {
    const upstream = await startUpstream();
    const inference = await create('inference', upstream.url);
    const rewardScoring = await create('reward_scoring', upstream.url);
    const [llms, rewards] = await Promise.all([
      inference.discoverModels?.(),
      rewardScoring.discoverModels?.(),
    ]);
    expect(llms?.map((found) => found.identifier)).toEqual(['chat', 'embedder']);
    expect(rewards?.map((found) => found.identifier)).toEqual(['judge']);
    expect(upstream.requests.filter((request) => request.path === '/models/list')).toHaveLength(1);
  });

  it('forwards the optional tokenize and modelInfo; an upstream that does not implement one says so (501)', async () => {
    const upstream = await startUpstream();
    const { implementation } = (await create('inference', upstream.url)) as ProviderInstance<Inference>;
    expect(await implementation.tokenize?.({ model: 'alias', content: 'Hi' })).toEqual({
      tokens: [
        { id: 1, text: '', special: true },
        { id: 42, text: 'Hi' },
      ],
    });
    const tokenizes = upstream.requests.filter((request) => request.path === '/inference/tokenize');
    expect(tokenizes[0]?.body).toEqual({ model: 'busy', content: 'Hi' });
    const missing = await implementation
      .tokenize?.({ model: 'chat', content: 'Hi' })
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 501, code: 'not_implemented' });
    expect(await implementation.modelInfo?.({ model: 'chat' })).toEqual({
      context_length: 2048,
      parallel_sequences: 2,
    });
    const info = upstream.requests.find((request) => request.path === '/inference/model_info');
    expect(info?.query.get('model')).toBe('chat');
  });

  it('starts with the manifest models only when the upstream is down', async () => {
    const upstream = await startUpstream();
    await upstream.close();
    const instance = await create('inference', upstream.url);
    expect(await instance.discoverModels?.()).toEqual([]);
    expect(warnings).toEqual(['the upstream is unreachable: serving the models known so far']);
  });
});
