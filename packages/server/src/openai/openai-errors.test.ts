import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { scriptedStack } from '../test-support/scripted-inference.js';
import { createOpenAiRoutes } from './create-openai-routes.js';

const app = createOpenAiRoutes(createInferenceAccess(scriptedStack()), {
  logger: pino({ level: 'silent' }),
  maxChoices: 4,
});

async function post(path: string, body: unknown | string) {
  const response = await app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

const hello = [{ role: 'user', content: 'Hi' }];

describe("OpenAI routes' errors", () => {
  it('400 invalid_request_error naming the param of an out-of-range value', async () => {
    expect(
      await post('/v1/chat/completions', { model: 'tiny-llm', messages: hello, temperature: 3 }),
    ).toEqual({
      status: 400,
      body: {
        error: {
          message: "Invalid 'temperature': must be at most 2",
          type: 'invalid_request_error',
          param: 'temperature',
          code: null,
        },
      },
    });
  });

  it('tells a max_tokens past any context the limit, not that it is not an integer', async () => {
    const { status, body } = await post('/v1/completions', {
      model: 'tiny-llm',
      prompt: 'Hi',
      max_tokens: 2 ** 53,
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { message: "Invalid 'max_tokens': must be at most 2147483647", param: 'max_tokens' },
    });
  });

  it('400 naming a nested param with OpenAI indexing', async () => {
    const { status, body } = await post('/v1/chat/completions', {
      model: 'tiny-llm',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] },
      ],
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { param: 'messages[0].content[0].image_url.url', type: 'invalid_request_error' },
    });
  });

  it('400 for a missing or malformed field', async () => {
    expect((await post('/v1/chat/completions', { model: 'tiny-llm' })).body).toMatchObject({
      error: { param: 'messages', type: 'invalid_request_error' },
    });
    expect(
      (await post('/v1/chat/completions', { model: 'tiny-llm', messages: [{ role: 'robot', content: 'x' }] }))
        .body,
    ).toMatchObject({
      error: { param: 'messages[0].role' },
    });
    expect(
      (await post('/v1/chat/completions', { model: 'tiny-llm', messages: hello, top_logprobs: 2 })).body,
    ).toMatchObject({
      error: {
        param: 'top_logprobs',
        message: "Invalid 'top_logprobs': `logprobs` must be true when `top_logprobs` is set",
      },
    });
    expect(
      (await post('/v1/chat/completions', { model: 'tiny-llm', messages: hello, n: 5 })).body,
    ).toMatchObject({
      error: {
        param: 'n',
        message: "Invalid 'n': n (5) is more than this server generates for one request (4)",
      },
    });
    expect(
      (await post('/v1/chat/completions', { model: 'tiny-llm', messages: hello, tool_choice: 'required' }))
        .body,
    ).toMatchObject({
      error: { param: 'tool_choice' },
    });
  });

  it('400 for a tool_choice naming a tool that was not offered, as the stack rejects it', async () => {
    const { status, body } = await post('/v1/chat/completions', {
      model: 'tiny-llm',
      messages: hello,
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { param: 'tool_choice', type: 'invalid_request_error' } });
  });

  it('400 for a body that is not JSON', async () => {
    expect(await post('/v1/chat/completions', '{"model": ')).toEqual({
      status: 400,
      body: {
        error: {
          message:
            'We could not parse the JSON body of your request. Send a JSON object with Content-Type: application/json.',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    });
  });

  it('404 model_not_found for a model the distribution does not register', async () => {
    expect(await post('/v1/chat/completions', { model: 'gpt-4o', messages: hello })).toEqual({
      status: 404,
      body: {
        error: {
          message: "Unknown model 'gpt-4o'. Register it under `models:` in distribution.yaml.",
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      },
    });
  });

  it('404 model_not_found when streaming too: the status is known before the stream starts', async () => {
    const { status, body } = await post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: hello,
      stream: true,
    });
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'model_not_found' } });
  });

  it('429 rate_limit_exceeded when the model is overloaded, streamed or not', async () => {
    const expected = {
      status: 429,
      body: {
        error: {
          message: 'Model is overloaded: 8 requests are queued; retry later.',
          type: 'rate_limit_error',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    };
    expect(await post('/v1/chat/completions', { model: 'busy-llm', messages: hello })).toEqual(expected);
    expect(await post('/v1/chat/completions', { model: 'busy-llm', messages: hello, stream: true })).toEqual(
      expected,
    );
    expect(await post('/v1/completions', { model: 'busy-llm', prompt: 'Hi' })).toEqual(expected);
  });

  it('400 when an embedding model is asked for a chat completion', async () => {
    const { status, body } = await post('/v1/chat/completions', { model: 'tiny-embed', messages: hello });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { param: 'model', type: 'invalid_request_error' } });
  });

  it('500 server_error without internal details when the provider fails', async () => {
    const failing = scriptedStack();
    failing.provider.chatCompletion = async () => {
      throw new Error('secret internal detail');
    };
    const response = await createOpenAiRoutes(createInferenceAccess(failing), {
      logger: pino({ level: 'silent' }),
    }).request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'X-Request-Id': 'req-1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-llm', messages: hello }),
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ error: { type: 'server_error', code: 'internal_error' } });
  });
});
