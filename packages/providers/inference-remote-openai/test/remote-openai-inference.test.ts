import { ChatCompletionRequest, CompletionRequest, InvalidRequestError } from '@llama-stack-ts/core';
import { createFixtureServer, type FixtureServer } from '@llama-stack-ts/provider-utils/test';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteOpenAiConfig } from '../src/remote-openai-config.js';
import { RemoteOpenAiInference } from '../src/remote-openai-inference.js';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function inference(url: string, overrides: Record<string, unknown> = {}): RemoteOpenAiInference {
  const config = RemoteOpenAiConfig.parse({ base_url: `${url}/v1/`, ...overrides });
  const implementation = new RemoteOpenAiInference({ config, providerId: 'openai', apiKey: 'sk-test' });
  implementation.addModel({ identifier: 'chat', provider_resource_id: 'org/upstream-chat' });
  return implementation;
}

const weatherTool = {
  tool_name: 'get_weather',
  description: 'The weather',
  parameters: { type: 'object', properties: { unit: { type: 'string' } } },
};

describe('RemoteOpenAiInference', () => {
  it('sends the stack request in OpenAI form: model id, messages, sampling, tools, JSON schema, logprobs', async () => {
    server = await createFixtureServer({
      'POST /v1/chat/completions': {
        json: {
          choices: [
            {
              message: {
                content: null,
                tool_calls: [
                  { id: 'c1', function: { name: 'get_weather', arguments: '{"unit":"celsius"}' } },
                ],
              },
              finish_reason: 'tool_calls',
              logprobs: {
                content: [{ token: '{', logprob: -0.5, top_logprobs: [{ token: '{', logprob: -0.5 }] }],
              },
            },
          ],
          usage: { prompt_tokens: 9, completion_tokens: 1 },
        },
      },
    });
    const response = await inference(server.url).chatCompletion(
      ChatCompletionRequest.parse({
        model: 'chat',
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ tool_name: 'get_weather', arguments: { unit: 'f' } }],
          },
          { role: 'tool', content: '20', tool_responses: [{ tool_name: 'get_weather', content: '20' }] },
          { role: 'user', content: 'And now?' },
        ],
        sampling_params: { strategy: 'top_p', temperature: 0.7, top_p: 0.9, seed: 3 },
        max_tokens: 12,
        available_tools: [weatherTool],
        tool_choice: { tool_name: 'get_weather' },
        logprobs: { top_k: 1 },
        stop: ['\n\n'],
      }),
    );
    const request = server.requests[0];
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.body).toEqual({
      model: 'org/upstream-chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1_0',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"unit":"f"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1_0', content: '20' },
        { role: 'user', content: 'And now?' },
      ],
      temperature: 0.7,
      top_p: 0.9,
      seed: 3,
      max_tokens: 12,
      stop: ['\n\n'],
      logprobs: true,
      top_logprobs: 1,
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'The weather', parameters: weatherTool.parameters },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(response).toEqual({
      content: '',
      tool_calls: [{ tool_name: 'get_weather', arguments: { unit: 'celsius' } }],
      stop_reason: 'finished_ok',
      logprobs: { content: [{ token: '{', logprob: -0.5, top_logprobs: [{ token: '{', logprob: -0.5 }] }] },
      usage: { prompt_tokens: 9, completion_tokens: 1 },
    });
  });

  it('greedy is temperature 0, and a JSON schema goes as response_format json_schema', async () => {
    server = await createFixtureServer({
      'POST /v1/completions': {
        json: {
          choices: [
            {
              text: '{}',
              finish_reason: 'length',
              logprobs: {
                tokens: ['{', '}'],
                token_logprobs: [-0.1, -0.2],
                top_logprobs: [{ '{': -0.1, a: -3 }, { '}': -0.2 }],
              },
            },
          ],
        },
      },
    });
    const response = await inference(server.url).completion(
      CompletionRequest.parse({
        model: 'chat',
        content: 'Answer:',
        response_format: { type: 'json_schema', json_schema: { type: 'object' } },
        logprobs: { top_k: 2 },
      }),
    );
    expect(server.requests[0]?.body).toEqual({
      model: 'org/upstream-chat',
      prompt: 'Answer:',
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' } } },
      logprobs: 2,
    });
    expect(response.stop_reason).toBe('max_tokens');
    expect(response.logprobs?.content[0]).toEqual({
      token: '{',
      logprob: -0.1,
      top_logprobs: [
        { token: '{', logprob: -0.1 },
        { token: 'a', logprob: -3 },
      ],
    });
  });

  it('assembles a streamed tool call from its pieces and sends it whole, then the stop reason and usage', async () => {
    const delta = (value: Record<string, unknown>, finish: string | null = null) => ({
      choices: [{ index: 0, delta: value, finish_reason: finish }],
    });
    server = await createFixtureServer({
      'POST /v1/chat/completions': {
        chunks: [
          delta({ role: 'assistant', content: 'Let me check. ' }),
          delta({ tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: '{"un' } }] }),
          delta({ tool_calls: [{ index: 0, function: { arguments: 'it":"celsius"}' } }] }),
          delta({}, 'tool_calls'),
          { choices: [], usage: { prompt_tokens: 5, completion_tokens: 7 } },
        ],
        done: true,
      },
    });
    const chunks = [];
    for await (const chunk of inference(server.url).streamChatCompletion(
      ChatCompletionRequest.parse({
        model: 'chat',
        messages: [{ role: 'user', content: 'Weather?' }],
        available_tools: [weatherTool],
        stream: true,
      }),
    )) {
      chunks.push(chunk);
    }
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(chunks).toEqual([
      { text_delta: 'Let me check. ' },
      { text_delta: '', tool_call: { tool_name: 'get_weather', arguments: { unit: 'celsius' } } },
      { text_delta: '', stop_reason: 'finished_ok', usage: { prompt_tokens: 5, completion_tokens: 7 } },
    ]);
  });

  it('refuses a GBNF grammar, which an OpenAI-compatible upstream cannot take, naming the field', async () => {
    const implementation = inference('http://127.0.0.1:9');
    const error = await implementation
      .chatCompletion(
        ChatCompletionRequest.parse({
          model: 'chat',
          messages: [{ role: 'user', content: 'Hi' }],
          response_format: { type: 'grammar', bnf: 'root ::= "a"' },
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('response_format');
  });

  it('discovers the upstream models, leaving out those the manifest registers, embeddings as configured', async () => {
    server = await createFixtureServer({
      'GET /v1/models': {
        json: { object: 'list', data: [{ id: 'org/upstream-chat' }, { id: 'a' }, { id: 'e' }] },
      },
    });
    const implementation = inference(server.url, { embedding_models: 'e' });
    const discovered = await implementation.discoverModels(
      [
        {
          identifier: 'chat',
          provider_id: 'openai',
          provider_resource_id: 'org/upstream-chat',
          model_type: 'llm',
          metadata: {},
        },
      ],
      () => {
        throw new Error('the fixture is up');
      },
    );
    expect(discovered).toEqual([
      { identifier: 'a', provider_resource_id: 'a', model_type: 'llm' },
      { identifier: 'e', provider_resource_id: 'e', model_type: 'embedding' },
    ]);
  });
});
