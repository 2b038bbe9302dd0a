import type { ChatCompletion } from '@llama-stack-ts/openai-compat';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { normalizeVolatile, scriptedStack } from '../test-support/scripted-inference.js';
import { createOpenAiRoutes } from './create-openai-routes.js';

const logger = pino({ level: 'silent' });

function setup(options: Parameters<typeof createOpenAiRoutes>[1] = {}) {
  const stack = scriptedStack();
  const app = createOpenAiRoutes(createInferenceAccess(stack), {
    logger,
    systemFingerprint: 'fp_test',
    ...options,
  });
  const post = (body: unknown) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { stack, app, post };
}

const hello = [{ role: 'user', content: 'Say hello' }];

async function completionOf(response: Response | Promise<Response>): Promise<ChatCompletion> {
  return (await (await response).json()) as ChatCompletion;
}

describe('POST /v1/chat/completions', () => {
  it('answers a chat.completion with the text, finish_reason and usage', async () => {
    const { post } = setup();
    const response = await post({ model: 'tiny-llm', messages: hello });
    expect(response.status).toBe(200);
    expect(JSON.parse(normalizeVolatile(await response.text()))).toEqual({
      id: 'chatcmpl-ID',
      created: 0,
      model: 'tiny-llm',
      system_fingerprint: 'fp_test',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello world!', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
  });

  it('maps sampling, stop, max_completion_tokens and messages onto the stack request', async () => {
    const { post, stack } = setup();
    await post({
      model: 'tiny-llm',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is ' },
            { type: 'text', text: 'this?' },
          ],
        },
      ],
      temperature: 0.7,
      top_p: 0.9,
      seed: 42,
      stop: 'END',
      max_tokens: 50,
      max_completion_tokens: 2,
      frequency_penalty: 0.5,
      unknown_field: 'ignored, as OpenAI does',
    });
    const [call] = stack.provider.calls;
    expect(call?.operation).toBe('chatCompletion');
    expect(call?.request).toMatchObject({
      model: 'tiny-llm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?' },
      ],
      sampling_params: { strategy: 'top_p', temperature: 0.7, top_p: 0.9, seed: 42, frequency_penalty: 0.5 },
      stop: ['END'],
      max_tokens: 2,
      logprobs: false,
    });
  });

  it('decodes greedily at temperature 0', async () => {
    const { post, stack } = setup();
    await post({ model: 'tiny-llm', messages: hello, temperature: 0 });
    expect(stack.provider.calls[0]?.request).toMatchObject({
      sampling_params: { strategy: 'greedy', temperature: 0 },
    });
  });

  it('reports max_tokens as finish_reason length', async () => {
    const { post } = setup();
    const body = await completionOf(post({ model: 'tiny-llm', messages: hello, max_tokens: 2 }));
    expect(body.choices[0]).toMatchObject({ message: { content: 'Hello world' }, finish_reason: 'length' });
  });

  it('returns tool calls with JSON-string arguments and finish_reason tool_calls', async () => {
    const { post, stack } = setup();
    const response = await post({
      model: 'tiny-llm',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(JSON.parse(normalizeVolatile(await response.text())).choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: 'call_ID',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(stack.provider.calls[0]?.request).toMatchObject({
      available_tools: [
        {
          tool_name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { tool_name: 'get_weather' },
    });
  });

  it('carries a tool conversation: assistant tool_calls and tool results by tool_call_id', async () => {
    const { post, stack } = setup();
    const response = await post({
      model: 'tiny-llm',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18 °C, sunny' },
      ],
    });
    expect(response.status).toBe(200);
    expect(stack.provider.calls[0]?.request).toMatchObject({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ tool_name: 'get_weather', arguments: { city: 'Paris' } }],
        },
        {
          role: 'tool',
          content: '18 °C, sunny',
          tool_responses: [{ tool_name: 'get_weather', content: '18 °C, sunny' }],
        },
      ],
    });
  });

  it('maps response_format json_schema and json_object to a JSON-schema constraint', async () => {
    const { post, stack } = setup();
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    await post({
      model: 'tiny-llm',
      messages: hello,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    await post({ model: 'tiny-llm', messages: hello, response_format: { type: 'json_object' } });
    expect(
      stack.provider.calls.map((call) => (call.request as { response_format: unknown }).response_format),
    ).toEqual([
      { type: 'json_schema', json_schema: schema },
      { type: 'json_schema', json_schema: { type: 'object' } },
    ]);
  });

  it('returns logprobs with bytes and top_logprobs trimmed to top_logprobs', async () => {
    const { post, stack } = setup();
    const body = await completionOf(
      post({ model: 'tiny-llm', messages: hello, logprobs: true, top_logprobs: 1 }),
    );
    expect(stack.provider.calls[0]?.request).toMatchObject({ logprobs: { top_k: 1 } });
    expect(body.choices[0]?.logprobs).toEqual({
      content: [
        {
          token: 'Hello',
          logprob: -0.25,
          bytes: [72, 101, 108, 108, 111],
          top_logprobs: [{ token: 'Hello', logprob: -0.25, bytes: [72, 101, 108, 108, 111] }],
        },
        {
          token: ' world',
          logprob: -0.5,
          bytes: [32, 119, 111, 114, 108, 100],
          top_logprobs: [{ token: ' world', logprob: -0.5, bytes: [32, 119, 111, 114, 108, 100] }],
        },
        {
          token: '!',
          logprob: -0.75,
          bytes: [33],
          top_logprobs: [{ token: '!', logprob: -0.75, bytes: [33] }],
        },
      ],
      refusal: null,
    });
  });

  it('generates n choices, each with its own seed', async () => {
    const { post, stack } = setup();
    const body = await completionOf(post({ model: 'tiny-llm', messages: hello, n: 3, seed: 7 }));
    expect(body.choices.map((choice: { index: number }) => choice.index)).toEqual([0, 1, 2]);
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 });
    expect(
      stack.provider.calls.map(
        (call) => (call.request as { sampling_params: { seed: number } }).sampling_params.seed,
      ),
    ).toEqual([7, 8, 9]);
  });

  it('generates n choices one after the other when parallelChoices is off', async () => {
    const { post, stack } = setup({ parallelChoices: false });
    const body = await completionOf(post({ model: 'tiny-llm', messages: hello, n: 2 }));
    expect(body.choices).toHaveLength(2);
    expect(stack.provider.calls).toHaveLength(2);
  });

  it('uses the first registered llm when the model names none (TGI clients send "tgi")', async () => {
    const { post, stack } = setup();
    expect((await post({ model: 'tgi', messages: hello })).status).toBe(200);
    expect((await post({ messages: hello })).status).toBe(200);
    expect(stack.provider.calls.map((call) => (call.request as { model: string }).model)).toEqual([
      'tiny-llm',
      'tiny-llm',
    ]);
  });
});

describe('POST /v1/chat/completions with stream: true', () => {
  it('streams chat.completion.chunk frames: role, content deltas, finish_reason, then [DONE]', async () => {
    const { post } = setup();
    const response = await post({ model: 'tiny-llm', messages: hello, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const head =
      '{"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"tiny-llm","system_fingerprint":"fp_test","choices":';
    expect(normalizeVolatile(await response.text())).toBe(
      [
        `data: ${head}[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}`,
        `data: ${head}[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}`,
        `data: ${head}[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}]}`,
        `data: ${head}[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":null}]}`,
        `data: ${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}`,
        'data: [DONE]',
        '',
      ].join('\n\n'),
    );
  });

  it('with stream_options.include_usage: usage null on every chunk, then a usage chunk with no choices', async () => {
    const { post } = setup();
    const response = await post({
      model: 'tiny-llm',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 2,
    });
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-2).choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
  });

  it('streams a tool call as one tool_calls delta', async () => {
    const { post } = setup();
    const response = await post({
      model: 'tiny-llm',
      messages: hello,
      stream: true,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    const chunks = normalizeVolatile(await response.text())
      .split('\n\n')
      .filter((event) => event && event !== 'data: [DONE]')
      .map((event) => JSON.parse(event.slice('data: '.length)).choices[0]);
    expect(chunks).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      {
        index: 0,
        delta: {
          tool_calls: [
            {
              index: 0,
              id: 'call_ID',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        logprobs: null,
        finish_reason: null,
      },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
  });

  it('streams logprobs per content delta', async () => {
    const { post } = setup();
    const response = await post({
      model: 'tiny-llm',
      messages: hello,
      stream: true,
      logprobs: true,
      top_logprobs: 2,
      max_tokens: 2,
    });
    const chunks = (await response.text())
      .split('\n\n')
      .filter((event) => event && event !== 'data: [DONE]')
      .map((event) => JSON.parse(event.slice('data: '.length)).choices[0]);
    expect(chunks[2].logprobs).toEqual({
      content: [
        {
          token: ' world',
          logprob: -0.5,
          bytes: [32, 119, 111, 114, 108, 100],
          top_logprobs: [
            { token: ' world', logprob: -0.5, bytes: [32, 119, 111, 114, 108, 100] },
            { token: 'x', logprob: -3, bytes: [120] },
          ],
        },
      ],
      refusal: null,
    });
  });

  it('interleaves n streamed choices, each with its role chunk and its finish_reason', async () => {
    const { post } = setup();
    const response = await post({ model: 'tiny-llm', messages: hello, stream: true, n: 2 });
    const choices = (await response.text())
      .split('\n\n')
      .filter((event) => event && event !== 'data: [DONE]')
      .map((event) => JSON.parse(event.slice('data: '.length)).choices[0]);
    for (const index of [0, 1]) {
      const own = choices.filter((choice) => choice.index === index);
      expect(own.map((choice) => choice.delta.content ?? '').join('')).toBe('Hello world!');
      expect(own[0].delta.role).toBe('assistant');
      expect(own.at(-1).finish_reason).toBe('stop');
    }
  });

  it('ends a stream that fails midway with an error frame, then [DONE]', async () => {
    const { post } = setup();
    const response = await post({ model: 'flaky-llm', messages: hello, stream: true });
    expect(response.status).toBe(200);
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.slice(-2)).toEqual([
      'data: {"error":{"message":"The server had an error while processing your request. The server log has the details under request id unknown.","type":"server_error","param":null,"code":"internal_error"}}',
      'data: [DONE]',
    ]);
  });
});
