import OpenAI from 'openai';
import { expect, it } from 'vitest';
import type { RunningDistribution } from './cli-process.js';
import { postJson, readSseData } from './http.js';

/** What `inferenceSuite` runs against. */
export interface InferenceSuiteTarget {
  /** The server under test (read once its `beforeAll` has started it). */
  server: () => RunningDistribution;
  /** An llm it serves on stories260K, itself or through an upstream. */
  chatModel: string;
}

const user = (content: string) => ({ role: 'user' as const, content });

const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a unit',
  parameters: {
    type: 'object',
    properties: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['unit'],
  },
};

/**
 * The inference cases every distribution that serves chat passes, whether its provider is
 * inline::llama-cpp or a remote one relaying to `run local`: chat and its stream through the
 * official `openai` client and the Llama Stack routes, a forced tool call, JSON schema output and
 * log probabilities. (A remote distribution's own file compares embeddings with its upstream's.)
 * Constrained output is asked greedy: a TGI upstream reports the details it needs for it only then.
 * Call inside a `describe`.
 */
export function inferenceSuite({ server, chatModel }: InferenceSuiteTarget): void {
  const openai = () => new OpenAI({ baseURL: `${server().url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const post = (path: string, body: unknown) => postJson(`${server().url}${path}`, body);

  it('openai client: a chat with usage', async () => {
    const completion = await openai().chat.completions.create({
      model: chatModel,
      messages: [user('Tell a story.')],
      max_tokens: 5,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.usage).toMatchObject({ completion_tokens: 5 });
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('openai client: a streamed chat, usage in its last chunk when asked', async () => {
    const stream = await openai().chat.completions.create({
      model: chatModel,
      messages: [user('Tell a story.')],
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(6);
  });

  it('openai client: a forced tool choice returns a call whose arguments parse and fit the schema', async () => {
    const completion = await openai().chat.completions.create({
      model: chatModel,
      temperature: 0,
      messages: [user('Is it warm?')],
      // stories260K spells most of the call's JSON one character per token.
      max_tokens: 200,
      tools: [{ type: 'function', function: weatherTool }],
      tool_choice: { type: 'function', function: { name: weatherTool.name } },
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    const call = completion.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error(`no function call: ${JSON.stringify(completion)}`);
    expect(call.function.name).toBe(weatherTool.name);
    expect(['celsius', 'fahrenheit']).toContain(
      (JSON.parse(call.function.arguments) as { unit: string }).unit,
    );
  });

  it('openai client: response_format json_schema gives JSON that parses and matches the schema', async () => {
    const completion = await openai().chat.completions.create({
      model: chatModel,
      temperature: 0,
      messages: [user('How do you feel?')],
      max_tokens: 80,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'mood',
          schema: {
            type: 'object',
            properties: { mood: { type: 'string', enum: ['happy', 'sad'] }, sure: { type: 'boolean' } },
            required: ['mood', 'sure'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['mood', 'sure']);
    expect(['happy', 'sad']).toContain(parsed.mood);
    expect(typeof parsed.sure).toBe('boolean');
  });

  it('openai client: chat logprobs with top_logprobs, one entry per generated token', async () => {
    const completion = await openai().chat.completions.create({
      model: chatModel,
      messages: [user('Tell a story.')],
      max_tokens: 4,
      logprobs: true,
      top_logprobs: 2,
    });
    const content = completion.choices[0]?.logprobs?.content ?? [];
    expect(content).toHaveLength(4);
    expect(content.map((entry) => entry.token).join('')).toBe(completion.choices[0]?.message.content);
    expect(content.every((entry) => entry.top_logprobs.length === 2 && entry.logprob <= 0)).toBe(true);
  });

  it('openai client: /v1/completions', async () => {
    const completion = await openai().completions.create({
      model: chatModel,
      prompt: 'Once upon a time',
      max_tokens: 5,
    });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(5);
  });

  it('Llama Stack route: a streamed chat whose deltas add up to the unstreamed answer', async () => {
    const request = { model: chatModel, messages: [user('Tell a story.')], max_tokens: 6 };
    const plain = (await (await post('/inference/chat_completion', request)).json()) as { content: string };
    const response = await post('/inference/chat_completion', { ...request, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const chunks = await readSseData<{ text_delta: string; stop_reason?: string }>(response);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text_delta).join('')).toBe(plain.content);
    expect(chunks.at(-1)?.stop_reason).toBe('max_tokens');
  });

  it('Llama Stack route: a streamed forced tool call arrives whole in one chunk', async () => {
    const response = await post('/inference/chat_completion', {
      model: chatModel,
      sampling_params: { strategy: 'greedy' },
      messages: [user('Is it warm?')],
      max_tokens: 200,
      stream: true,
      available_tools: [{ tool_name: weatherTool.name, parameters: weatherTool.parameters }],
      tool_choice: { tool_name: weatherTool.name },
    });
    expect(response.status).toBe(200);
    const chunks = await readSseData<{ tool_call?: { tool_name: string; arguments: { unit: string } } }>(
      response,
    );
    const calls = chunks.flatMap((chunk) => (chunk.tool_call ? [chunk.tool_call] : []));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.tool_name).toBe(weatherTool.name);
    expect(['celsius', 'fahrenheit']).toContain(calls[0]?.arguments.unit);
  });

  it('Llama Stack route: a greedy completion with top_k logprobs, one entry per generated token', async () => {
    const response = await post('/inference/completion', {
      model: chatModel,
      content: 'Once upon a time',
      max_tokens: 6,
      logprobs: { top_k: 3 },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      content: string;
      stop_reason: string;
      usage: { completion_tokens: number };
      logprobs: { content: { token: string; logprob: number; top_logprobs: { token: string }[] }[] };
    };
    expect(body.stop_reason).toBe('max_tokens');
    expect(body.usage.completion_tokens).toBe(6);
    expect(body.content.length).toBeGreaterThan(0);
    expect(body.logprobs.content).toHaveLength(6);
    expect(body.logprobs.content.map((entry) => entry.token).join('')).toBe(body.content);
    for (const entry of body.logprobs.content) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs).toHaveLength(3);
    }
    // Greedy (the draft's default strategy): the generated token is the most likely one.
    expect(body.logprobs.content[0]?.top_logprobs[0]?.token).toBe(body.logprobs.content[0]?.token);
  });
}
