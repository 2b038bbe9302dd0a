import { DependencyUnavailableError, StackError } from '@llama-stack-ts/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiCallError } from './api-call-error.js';
import { InvalidResponseError } from './invalid-response-error.js';
import { getFromApi, postJsonToApi } from './post-to-api.js';
import {
  createEventSourceResponseHandler,
  createJsonErrorResponseHandler,
  createJsonResponseHandler,
  createStatusCodeErrorResponseHandler,
} from './response-handler.js';
import { createFixtureServer, type FixtureServer } from './test/index.js';

const ChatCompletion = z.object({
  id: z.string(),
  choices: z.array(z.object({ message: z.object({ role: z.string(), content: z.string() }) })),
});
const ChatChunk = z.object({
  choices: z.array(
    z.object({ delta: z.object({ content: z.string().nullish() }), finish_reason: z.string().nullish() }),
  ),
});
const OpenAiError = z.object({ error: z.object({ message: z.string(), type: z.string().nullish() }) });
const failedResponseHandler = createJsonErrorResponseHandler({
  errorSchema: OpenAiError,
  errorToMessage: (body) => body.error.message,
});
const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('postJsonToApi', () => {
  it('sends the JSON body and headers and returns the validated response', async () => {
    server = await createFixtureServer({
      'POST /v1/chat/completions': { jsonFile: fixture('chat-completion.json') },
    });
    const { value, responseHeaders } = await postJsonToApi({
      url: `${server.url}/v1/chat/completions`,
      headers: { authorization: 'Bearer sk-test', 'x-absent': undefined },
      body: { model: 'llama-3.2-1b', messages: [{ role: 'user', content: 'Hi' }] },
      successfulResponseHandler: createJsonResponseHandler(ChatCompletion),
      failedResponseHandler,
    });
    expect(value.choices[0]?.message.content).toBe('Hello there.');
    expect(responseHeaders['content-type']).toBe('application/json');
    const [request] = server.requests;
    expect(request?.body).toEqual({ model: 'llama-3.2-1b', messages: [{ role: 'user', content: 'Hi' }] });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.headers['x-absent']).toBeUndefined();
  });

  it('streams validated chunks from an event stream and drops [DONE]', async () => {
    server = await createFixtureServer({
      'POST /v1/chat/completions': { chunksFile: fixture('chat-completion.chunks.txt'), done: true },
    });
    const { value } = await postJsonToApi({
      url: `${server.url}/v1/chat/completions`,
      body: { stream: true },
      successfulResponseHandler: createEventSourceResponseHandler(ChatChunk),
      failedResponseHandler,
    });
    const deltas: string[] = [];
    for await (const chunk of value) deltas.push(chunk.choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe('Hello there.');
    expect(deltas).toHaveLength(4);
  });

  it('turns a 4xx JSON error into an ApiCallError carrying url, status and body', async () => {
    const body = { error: { message: 'model `nope` does not exist', type: 'invalid_request_error' } };
    server = await createFixtureServer({ 'POST /v1/chat/completions': { status: 404, json: body } });
    const url = `${server.url}/v1/chat/completions`;
    const error = await postJsonToApi({
      url,
      body: { model: 'nope' },
      successfulResponseHandler: createJsonResponseHandler(ChatCompletion),
      failedResponseHandler,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(StackError.isInstance(error)).toBe(true);
    const apiCallError = error as ApiCallError;
    expect(apiCallError.status).toBe(404);
    expect(apiCallError.url).toBe(url);
    expect(apiCallError.message).toBe(`${url} answered 404 Not Found: model \`nope\` does not exist`);
    expect(JSON.parse(apiCallError.responseBody ?? '')).toEqual(body);
    expect(apiCallError.data).toEqual(body);
    expect(apiCallError.requestBodyValues).toEqual({ model: 'nope' });
    expect(apiCallError.isRetryable).toBe(false);
  });

  it('keeps the raw text of an error body that is not the expected JSON, and marks 5xx retryable', async () => {
    server = await createFixtureServer({
      '/v1/chat/completions': { status: 502, text: '<html>Bad Gateway</html>' },
    });
    const error = (await postJsonToApi({
      url: `${server.url}/v1/chat/completions`,
      body: {},
      successfulResponseHandler: createJsonResponseHandler(ChatCompletion),
      failedResponseHandler,
    }).catch((caught: unknown) => caught)) as ApiCallError;
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('<html>Bad Gateway</html>');
    expect(error.data).toBeUndefined();
    expect(error.isRetryable).toBe(true);
  });

  it('rejects a 2xx body that does not match the schema, naming the path', async () => {
    server = await createFixtureServer({
      '/v1/chat/completions': { json: { id: 'x', choices: [{ message: {} }] } },
    });
    const error = await postJsonToApi({
      url: `${server.url}/v1/chat/completions`,
      body: {},
      successfulResponseHandler: createJsonResponseHandler(ChatCompletion),
      failedResponseHandler,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).path).toBe('choices.0.message.role');
    expect((error as InvalidResponseError).status).toBe(502);
  });

  it('turns an unreachable host into DependencyUnavailableError naming the provider and url', async () => {
    const closed = await createFixtureServer({});
    await closed.close();
    const url = `${closed.url}/generate`;
    const error = await postJsonToApi({
      url,
      body: {},
      provider: 'remote::tgi',
      successfulResponseHandler: createJsonResponseHandler(z.unknown()),
      failedResponseHandler: createStatusCodeErrorResponseHandler(),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).status).toBe(503);
    expect((error as DependencyUnavailableError).url).toBe(url);
    expect((error as Error).message).toMatch(
      /^Provider 'remote::tgi' cannot reach http:\/\/127\.0\.0\.1:\d+\/generate: .*ECONNREFUSED/,
    );
  });

  it('rejects with the abort reason when the signal fires while waiting for the response', async () => {
    server = await createFixtureServer({ '/generate': { hang: true } });
    const controller = new AbortController();
    const pending = postJsonToApi({
      url: `${server.url}/generate`,
      body: {},
      signal: controller.signal,
      successfulResponseHandler: createJsonResponseHandler(z.unknown()),
      failedResponseHandler: createStatusCodeErrorResponseHandler(),
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('calls the injected fetch', async () => {
    server = await createFixtureServer({ 'GET /info': { json: { model_id: 'llama' } } });
    const seen: string[] = [];
    const { value } = await getFromApi({
      url: `${server.url}/info`,
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), 'x-traced': '1' },
        });
      },
      successfulResponseHandler: createJsonResponseHandler(z.object({ model_id: z.string() })),
      failedResponseHandler: createStatusCodeErrorResponseHandler(),
    });
    expect(value).toEqual({ model_id: 'llama' });
    expect(seen).toEqual([`${server.url}/info`]);
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.headers['x-traced']).toBe('1');
  });
});
