import { Hono } from 'hono';
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { createMetricsRoutes } from '../metrics/create-metrics-routes.js';
import { metricsMiddleware } from '../metrics/metrics-middleware.js';
import { StackMetrics } from '../metrics/stack-metrics.js';
import { scriptedStack } from '../test-support/scripted-inference.js';
import { serveOnLoopback } from '../test-support/serve-on-loopback.js';
import { createOpenAiRoutes } from './create-openai-routes.js';

/** The official `openai` client against the routes over a real socket, as a user would run it. */
describe('the openai npm client', () => {
  const metrics = new StackMetrics({ collectDefaultMetrics: false });
  let server: Awaited<ReturnType<typeof serveOnLoopback>>;
  let client: OpenAI;

  beforeAll(async () => {
    const app = new Hono();
    app.use(metricsMiddleware(metrics));
    app.route('/', createMetricsRoutes(metrics));
    app.route(
      '/',
      createOpenAiRoutes(createInferenceAccess(scriptedStack(), { metrics }), {
        logger: pino({ level: 'silent' }),
      }),
    );
    server = await serveOnLoopback(app);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny-llm',
      messages: [{ role: 'user', content: 'Say hello' }],
      temperature: 0,
      max_completion_tokens: 16,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('Hello world!');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
  });

  it('streams a chat completion, with usage last', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny-llm',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello world!');
    expect(finishReasons.at(-1)).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
  });

  it('gets a tool call, and its arguments parse', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny-llm',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
    });
    const [call] = completion.choices[0]?.message.tool_calls ?? [];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('runs the legacy completions API, streamed too', async () => {
    const completion = await client.completions.create({ model: 'tiny-llm', prompt: 'Once', max_tokens: 2 });
    expect(completion.choices[0]).toMatchObject({ text: 'Hello world', finish_reason: 'length' });
    const stream = await client.completions.create({ model: 'tiny-llm', prompt: 'Once', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('Hello world!');
  });

  it('embeds, decoding the base64 the client asks for by default', async () => {
    const response = await client.embeddings.create({ model: 'tiny-embed', input: ['abc', 'hello'] });
    expect(response.data.map((item) => item.embedding)).toEqual([
      [3, 0.5, -1],
      [5, 0.5, -1],
    ]);
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['tiny-llm', 'busy-llm', 'flaky-llm', 'tiny-embed']);
    expect((await client.models.retrieve('tiny-embed')).owned_by).toBe('scripted');
  });

  it("raises the client's typed errors: 404 NotFoundError, 429 RateLimitError, 400 BadRequestError", async () => {
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    await expect(client.chat.completions.create({ model: 'nope', messages })).rejects.toMatchObject({
      constructor: OpenAI.NotFoundError,
      status: 404,
      code: 'model_not_found',
    });
    await expect(client.chat.completions.create({ model: 'busy-llm', messages })).rejects.toMatchObject({
      constructor: OpenAI.RateLimitError,
      status: 429,
    });
    await expect(
      client.chat.completions.create({ model: 'tiny-llm', messages, temperature: 5 }),
    ).rejects.toMatchObject({
      constructor: OpenAI.BadRequestError,
      param: 'temperature',
    });
  });

  it('raises an APIError when a stream fails midway', async () => {
    const stream = await client.chat.completions.create({
      model: 'flaky-llm',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const read = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(read()).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('counted it all in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain(
      'llama_stack_http_requests_total{method="POST",route="/v1/chat/completions",status="200"}',
    );
    expect(text).toContain(
      'llama_stack_http_requests_total{method="POST",route="/v1/chat/completions",status="404"} 1',
    );
    expect(text).toContain(
      'llama_stack_http_requests_total{method="GET",route="/v1/models/:model{.+}",status="200"} 1',
    );
    expect(text).toMatch(/llama_stack_inference_generated_tokens_total\{model="tiny-llm"\} \d+/);
    expect(text).toMatch(/llama_stack_inference_time_to_first_token_seconds_count\{model="tiny-llm"\} [1-9]/);
    expect(text).toContain(
      'llama_stack_inference_requests_total{operation="chat_completion",model="unknown",outcome="overloaded"} 1',
    );
    expect(text).toContain('llama_stack_inference_queue_depth{operation="chat_completion"} 0');
    expect(text).not.toContain('model="nope"');
  });
});
