import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStackClient, type StackClient } from '@llama-stack-ts/client';
import { InvalidRequestError, NotFoundError, type StackError } from '@llama-stack-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  startDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { echoManifest } from '../support/repo-paths.js';

// The foundation end to end: `llama-stack-ts run` on a manifest whose only provider is a package
// written against @llama-stack-ts/core alone and loaded with `module:`, over a real socket, driven
// by the typed client and by raw fetch.

let home: string;
let distribution: RunningDistribution;
let client: StackClient;
/** Every answer the server gave in this file: none may be a 5xx. */
const answers: { method: string; url: string; status: number }[] = [];

/** `fetch` that records each status; used raw and by the client. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  answers.push({ method: init?.method ?? 'GET', url, status: response.status });
  return response;
};

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return recordingFetch(`${distribution.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface ErrorBody {
  error: { code: string; message: string; field?: string; request_id: string };
}

const user = (content: string) => ({ role: 'user' as const, content });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lsts-e2e-echo-'));
  distribution = await startDistribution(echoManifest, { home });
  client = createStackClient({ baseUrl: distribution.url, fetch: recordingFetch });
});

afterAll(async () => {
  await killAllChildren();
  await rm(home, { recursive: true, force: true });
});

describe('llama-stack-ts run <echo manifest>', () => {
  it('reports the module provider healthy and serves the OpenAPI document', async () => {
    const health = await recordingFetch(`${distribution.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: 'ok',
      distribution: 'echo-fixture',
      providers: [{ provider_id: 'echo', provider_type: 'inline::echo', status: 'ok' }],
    });
    const openapi = await recordingFetch(`${distribution.url}/openapi.json`);
    expect(openapi.status).toBe(200);
    const document = (await openapi.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/inference/chat_completion', '/inference/completion', '/models/list']),
    );
  });

  it('lists the models the manifest registers, raw and through the client', async () => {
    const expected = {
      data: [
        {
          identifier: 'echo',
          provider_id: 'echo',
          provider_resource_id: 'echo',
          model_type: 'llm',
          metadata: {},
        },
        {
          identifier: 'echo-embed',
          provider_id: 'echo',
          provider_resource_id: 'echo-embed',
          model_type: 'embedding',
          metadata: { embedding_dimension: 16 },
        },
      ],
    };
    const raw = await recordingFetch(`${distribution.url}/models/list`);
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual(expected);
    expect(await client.models.listModels()).toEqual(expected);
  });

  it('completes a prompt, honouring max_tokens and stop', async () => {
    expect(await client.inference.completion({ model: 'echo', content: 'hello there world' })).toEqual({
      content: 'HELLO THERE WORLD',
      stop_reason: 'finished_ok',
      usage: { prompt_tokens: 3, completion_tokens: 3 },
    });
    const limited = await client.inference.completion({
      model: 'echo',
      content: 'one two three four',
      max_tokens: 2,
    });
    expect(limited).toMatchObject({ content: 'ONE TWO', stop_reason: 'max_tokens' });
    const stopped = await client.inference.completion({
      model: 'echo',
      content: 'one two three four',
      stop: [' THREE'],
    });
    expect(stopped).toMatchObject({ content: 'ONE TWO', stop_reason: 'finished_ok' });
  });

  it('answers a chat sent as `messages`, raw and through the client', async () => {
    const messages = [
      { role: 'system' as const, content: 'You repeat.' },
      user('an earlier question'),
      { role: 'assistant' as const, content: 'AN EARLIER QUESTION' },
      user('say this back'),
    ];
    const raw = await post('/inference/chat_completion', { model: 'echo', messages });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await raw.json()).toEqual({
      content: 'SAY THIS BACK',
      tool_calls: [],
      stop_reason: 'finished_ok',
      usage: { prompt_tokens: 3, completion_tokens: 3 },
    });
    const viaClient = await client.inference.chatCompletion({ model: 'echo', messages, max_tokens: 1 });
    expect(viaClient).toMatchObject({ content: 'SAY', stop_reason: 'max_tokens', tool_calls: [] });
  });

  it("answers a chat sent as the draft's `dialog`, raw and through the client", async () => {
    const dialog = {
      message: user('from the draft'),
      message_history: [user('older turn'), { role: 'assistant' as const, content: 'OLDER TURN' }],
    };
    const raw = await post('/inference/chat_completion', { model: 'echo', dialog });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ content: 'FROM THE DRAFT', stop_reason: 'finished_ok' });
    const viaClient = await client.inference.chatCompletion({ model: 'echo', dialog });
    expect(viaClient.content).toBe('FROM THE DRAFT');

    const both = await post('/inference/chat_completion', {
      model: 'echo',
      dialog,
      messages: [user('x')],
    });
    expect(both.status).toBe(400);
    expect(((await both.json()) as ErrorBody).error.field).toBe('messages');
  });

  it('streams a chat as Server-Sent Events, one data: frame per word, the stop reason last', async () => {
    const response = await post(
      '/inference/chat_completion',
      { model: 'echo', messages: [user('stream these four words')], stream: true },
      { accept: 'text/event-stream' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const expectedChunks = [
      { text_delta: 'STREAM' },
      { text_delta: ' THESE' },
      { text_delta: ' FOUR' },
      { text_delta: ' WORDS' },
      { text_delta: '', stop_reason: 'finished_ok', usage: { prompt_tokens: 4, completion_tokens: 4 } },
    ];
    // Exact bytes: one JSON document per `data:` line, each event ended by a blank line.
    expect(await response.text()).toBe(
      expectedChunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join(''),
    );

    const chunks = [];
    for await (const chunk of client.inference.streamChatCompletion({
      model: 'echo',
      dialog: { message: user('stream these four words') },
    })) {
      chunks.push(chunk);
    }
    expect(chunks).toEqual(expectedChunks);
  });

  it('streams a completion cut at max_tokens', async () => {
    const chunks = [];
    for await (const chunk of client.inference.streamCompletion({
      model: 'echo',
      content: 'a b c d e',
      max_tokens: 3,
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map((chunk) => chunk.text_delta).join('')).toBe('A B C');
    expect(chunks.at(-1)?.stop_reason).toBe('max_tokens');
    expect(chunks.slice(0, -1).every((chunk) => chunk.stop_reason == null)).toBe(true);
  });

  it('embeds with the embedding model and rejects an llm model for embeddings', async () => {
    const { embeddings } = await client.inference.embeddings({
      model: 'echo-embed',
      contents: ['same text', 'same text', 'other'],
    });
    expect(embeddings).toHaveLength(3);
    expect(embeddings[0]).toHaveLength(16);
    expect(embeddings[0]).toEqual(embeddings[1]);
    expect(embeddings[2]).not.toEqual(embeddings[0]);

    const wrongType = await post('/inference/embeddings', { model: 'echo', contents: ['x'] });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as ErrorBody).error.field).toBe('model');
  });

  it('answers 404 naming an unknown model, before any stream starts', async () => {
    const raw = await post('/inference/chat_completion', { model: 'nope', messages: [user('hi')] });
    expect(raw.status).toBe(404);
    const body = (await raw.json()) as ErrorBody;
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain("'nope'");

    const streamed = await post(
      '/inference/chat_completion',
      { model: 'nope', messages: [user('hi')], stream: true },
      { accept: 'text/event-stream' },
    );
    expect(streamed.status).toBe(404);
    expect(streamed.headers.get('content-type')).toMatch(/^application\/json/);
    await streamed.body?.cancel();

    const error = await client.inference.chatCompletion({ model: 'nope', messages: [user('hi')] }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as StackError).status).toBe(404);
  });

  it('answers 404 naming the distribution for an API the manifest does not configure', async () => {
    const response = await post('/agentic_system/create', { agent_config: {} });
    expect(response.status).toBe(404);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('api_not_served');
    expect(body.error.message).toContain("'agentic_system'");
    expect(body.error.message).toContain("distribution 'echo-fixture'");
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await post('/inference/chat_completion', '{"model": "echo", "messages": [');
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it('answers 400 naming the field of a wrong type, raw and through the client', async () => {
    const response = await post('/inference/chat_completion', {
      model: 'echo',
      messages: [user('hi')],
      max_tokens: 'ten',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'invalid_request', field: 'max_tokens' });
    expect(body.error.message).toContain('max_tokens');

    const badRole = await post('/inference/completion', { model: 'echo', content: 42 });
    expect(badRole.status).toBe(400);
    expect(((await badRole.json()) as ErrorBody).error.field).toBe('content');

    const error = await client.inference
      .chatCompletion({
        model: 'echo',
        // A role the API does not know: the client sends it as given, the server names the field.
        messages: [{ role: 'robot' as 'user', content: 'hi' }],
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe('messages.0.role');
  });

  it('answers 413 to a body over server.max_body_bytes, declared or chunked', async () => {
    const big = { model: 'echo', messages: [user('x'.repeat(20_000))] };
    const declared = await post('/inference/chat_completion', big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as ErrorBody).error.code).toBe('payload_too_large');

    // No Content-Length: the server must count the bytes as they arrive.
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    const chunked = await recordingFetch(`${distribution.url}/inference/chat_completion`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 4096)
            controller.enqueue(bytes.subarray(offset, offset + 4096));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as ErrorBody).error.code).toBe('payload_too_large');

    // Just under the limit is served.
    const small = await post('/inference/completion', { model: 'echo', content: 'y'.repeat(7_000) });
    expect(small.status).toBe(200);
  });

  it('answered no request with a 5xx', () => {
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
  });

  it('exits 0 promptly on SIGINT, after which the port is closed', async () => {
    const stopped = await stopDistribution(distribution, 'SIGINT');
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(5_000);
    expect(distribution.output()).toContain("shutting down 'echo-fixture'");
    expect(distribution.output()).toContain('stopped.');
    await expect(fetch(`${distribution.url}/health`)).rejects.toThrow();
  });
});
