import {
  BatchChatCompletionRequest,
  ChatCompletionRequest,
  type ChatCompletionRequestInput,
  InvalidRequestError,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  collect,
  describeWithModels,
  startProvider,
  type TestProvider,
  testModel,
  testModels,
} from '../test-models.js';

const request = (input: Omit<ChatCompletionRequestInput, 'model'> & { model?: string }) =>
  ChatCompletionRequest.parse({ model: 'stories', ...input });

const weatherTool = {
  tool_name: 'get_weather',
  description: 'Current weather in a city',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string', maxLength: 20 },
      unit: { enum: ['celsius', 'fahrenheit'] },
    },
    required: ['city', 'unit'],
  },
};
const timeTool = {
  tool_name: 'get_time',
  description: 'Current time in a time zone',
  parameters: { type: 'object', properties: { zone: { type: 'string', maxLength: 20 } } },
};

describeWithModels('chat completion (stories260K, Llama2Chat template)', [testModels.stories], () => {
  let provider: TestProvider;

  beforeAll(async () => {
    provider = await startProvider({ gpu: 'cpu', context_size: 1024, parallel_sequences: 2 }, [
      testModel('stories', testModels.stories),
    ]);
  });
  afterAll(async () => {
    await provider?.[Symbol.asyncDispose]();
  });

  it('answers through the model chat template, greedily and repeatably', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me a story about a cat.' }];
    const first = await provider.inference.chatCompletion(request({ messages, max_tokens: 16 }));
    const second = await provider.inference.chatCompletion(request({ messages, max_tokens: 16 }));
    expect(first.content).toMatch(/\w/);
    expect(second.content).toBe(first.content);
    expect(first.tool_calls).toEqual([]);
    expect(first.stop_reason).toBe('max_tokens');
    expect(first.usage?.completion_tokens).toBe(16);
    // The template wraps the message ([INST] … [/INST]): more prompt tokens than the text alone.
    const raw = await provider.inference.tokenize?.({
      model: 'stories',
      content: 'Tell me a story about a cat.',
    });
    expect(first.usage?.prompt_tokens).toBeGreaterThan(raw?.tokens.length ?? 0);
  });

  it('accepts the draft dialog shape, the same as messages', async () => {
    const viaDialog = await provider.inference.chatCompletion(
      request({
        dialog: {
          message: { role: 'user', content: 'Hi' },
          message_history: [{ role: 'system', content: 'Be kind.' }],
        },
        max_tokens: 8,
      }),
    );
    const viaMessages = await provider.inference.chatCompletion(
      request({
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'Hi' },
        ],
        max_tokens: 8,
      }),
    );
    expect(viaDialog.content).toBe(viaMessages.content);
  });

  it('renders system prompts, multi-turn history and tool results into the prompt', async () => {
    const base = [{ role: 'user' as const, content: 'Hello' }];
    const short = await provider.inference.chatCompletion(request({ messages: base, max_tokens: 1 }));
    const long = await provider.inference.chatCompletion(
      request({
        messages: [
          { role: 'system', content: 'You are a storyteller.' },
          { role: 'user', content: 'What is the weather?' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ tool_name: 'get_weather', arguments: { city: 'Paris' } }],
          },
          {
            role: 'tool',
            content: '',
            tool_responses: [{ tool_name: 'get_weather', content: 'sunny, 21C' }],
          },
          { role: 'assistant', content: 'It is sunny.' },
          { role: 'user', content: 'Hello' },
        ],
        max_tokens: 1,
      }),
    );
    const shortPrompt = short.usage?.prompt_tokens ?? 0;
    const sunny =
      (
        await provider.inference.tokenize?.({
          model: 'stories',
          content: 'sunny, 21C It is sunny. You are a storyteller.',
        })
      )?.tokens.length ?? 0;
    expect(long.usage?.prompt_tokens).toBeGreaterThan(shortPrompt + sunny);
  });

  it('streams text chunks that add up to the plain answer', async () => {
    const messages = [{ role: 'user' as const, content: 'Once upon a time' }];
    const plain = await provider.inference.chatCompletion(request({ messages, max_tokens: 12 }));
    const chunks = await collect(
      provider.inference.streamChatCompletion(request({ messages, max_tokens: 12, stream: true })),
    );
    expect(chunks.map((chunk) => chunk.text_delta).join('')).toBe(plain.content);
    expect(chunks.at(-1)).toMatchObject({ stop_reason: 'max_tokens' });
    expect(chunks.filter((chunk) => chunk.stop_reason).length).toBe(1);
  });

  it('forces a call of a named tool, with arguments valid for its schema', async () => {
    const response = await provider.inference.chatCompletion(
      request({
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
        available_tools: [weatherTool, timeTool],
        tool_choice: { tool_name: 'get_weather' },
      }),
    );
    expect(response.stop_reason).toBe('finished_ok');
    expect(response.content).toBe('');
    expect(response.tool_calls).toHaveLength(1);
    const [call] = response.tool_calls;
    expect(call?.tool_name).toBe('get_weather');
    expect(typeof call?.arguments.city).toBe('string');
    expect(String(call?.arguments.city ?? '').length).toBeLessThanOrEqual(20);
    expect(['celsius', 'fahrenheit']).toContain(call?.arguments.unit);
  });

  it("with tool_choice 'required' calls one of the tools, and streams it as one tool_call chunk", async () => {
    const chunks = await collect(
      provider.inference.streamChatCompletion(
        request({
          messages: [{ role: 'user', content: 'What time is it in Tokyo?' }],
          available_tools: [weatherTool, timeTool],
          tool_choice: 'required',
          stream: true,
        }),
      ),
    );
    const calls = chunks.flatMap((chunk) => (chunk.tool_call ? [chunk.tool_call] : []));
    expect(calls).toHaveLength(1);
    expect(['get_weather', 'get_time']).toContain(calls[0]?.tool_name);
    expect(chunks.map((chunk) => chunk.text_delta).join('')).toBe('');
    expect(chunks.at(-1)?.stop_reason).toBe('finished_ok');
  });

  it("offers tools with tool_choice 'auto' (the model may answer in text) and none with 'none'", async () => {
    const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];
    const auto = await provider.inference.chatCompletion(
      request({ messages, available_tools: [weatherTool], max_tokens: 8 }),
    );
    const none = await provider.inference.chatCompletion(
      request({ messages, available_tools: [weatherTool], tool_choice: 'none', max_tokens: 8 }),
    );
    const plain = await provider.inference.chatCompletion(request({ messages, max_tokens: 8 }));
    // The tools are documented in the prompt with 'auto' only.
    expect(auto.usage?.prompt_tokens).toBeGreaterThan(plain.usage?.prompt_tokens ?? 0);
    expect(none.usage?.prompt_tokens).toBe(plain.usage?.prompt_tokens);
    for (const call of auto.tool_calls) expect(call.tool_name).toBe('get_weather');
  });

  it('answers in JSON under a response_format schema', async () => {
    const response = await provider.inference.chatCompletion(
      request({
        messages: [{ role: 'user', content: 'Describe a dog as JSON.' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 10 }, legs: { type: 'integer' } },
          },
        },
      }),
    );
    const parsed = JSON.parse(response.content as string);
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.legs)).toBe(true);
  });

  it('reports log probabilities of chat tokens', async () => {
    const response = await provider.inference.chatCompletion(
      request({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5, logprobs: { top_k: 2 } }),
    );
    expect(response.logprobs?.content).toHaveLength(5);
    expect(
      response.logprobs?.content.every((entry) => entry.top_logprobs.length === 2 && entry.logprob <= 0),
    ).toBe(true);
  });

  it("reports tokens that join into the answer, an answer's first token without its leading space too", async () => {
    // Sampled answers; now and then one starts with a space-led SentencePiece token (seed 43 here).
    const prompts = ['Tell a story.', 'Once upon a time', 'Lily and Tom', 'What did the cat do?'];
    const mismatches: string[] = [];
    for (let seed = 0; seed < 64; seed++) {
      const response = await provider.inference.chatCompletion(
        request({
          messages: [{ role: 'user', content: prompts[seed % prompts.length]! }],
          sampling_params: { strategy: 'top_p', temperature: 1, top_p: 1, seed },
          max_tokens: 4,
          logprobs: { top_k: 2 },
        }),
      );
      const joined = response.logprobs?.content.map((entry) => entry.token).join('');
      if (joined !== contentToText(response.content))
        mismatches.push(`seed ${seed}: ${JSON.stringify(joined)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses combinations it cannot honour, naming the field', async () => {
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    await expect(
      provider.inference.chatCompletion(
        request({
          messages,
          available_tools: [weatherTool],
          response_format: { type: 'json_schema', json_schema: {} },
        }),
      ),
    ).rejects.toThrow(/^response_format: /);
    const error = await provider.inference
      .chatCompletion(
        request({
          messages,
          available_tools: [weatherTool],
          logprobs: true,
          sampling_params: { strategy: 'top_p', temperature: 0.8 },
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('logprobs');
  });

  it('refuses by its length alone, before tokenizing, a conversation longer than the context can hold', async () => {
    const long = 'Once upon a time. '.repeat(30_000);
    const messages = [
      { role: 'system' as const, content: long },
      { role: 'user' as const, content: long },
    ];
    await expect(provider.inference.chatCompletion(request({ messages }))).rejects.toThrow(
      /^messages: is 1080000 characters, more than the \d+ that fit in 1023 tokens: model 'stories' holds 1024 tokens/,
    );
  });

  it('runs a batch of conversations in order', async () => {
    const conversations = [
      [{ role: 'user' as const, content: 'A cat' }],
      [{ role: 'user' as const, content: 'A dog' }],
    ];
    const batch = await provider.inference.batchChatCompletion(
      BatchChatCompletionRequest.parse({ model: 'stories', batch_messages: conversations, max_tokens: 6 }),
    );
    const alone = await Promise.all(
      conversations.map((messages) =>
        provider.inference.chatCompletion(request({ messages, max_tokens: 6 })),
      ),
    );
    expect(batch.map((response) => response.content)).toEqual(alone.map((response) => response.content));
  });
});
