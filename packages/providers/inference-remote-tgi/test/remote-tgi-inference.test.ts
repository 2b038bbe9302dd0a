import { ChatCompletionRequest, CompletionRequest } from '@llama-stack-ts/core';
import { createFixtureServer, type FixtureServer } from '@llama-stack-ts/provider-utils/test';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteTgiConfig } from '../src/remote-tgi-config.js';
import { RemoteTgiInference } from '../src/remote-tgi-inference.js';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const inference = (url: string) =>
  new RemoteTgiInference({ config: RemoteTgiConfig.parse({ url }), providerId: 'tgi', apiKey: undefined });
const token = (id: number, text: string, logprob: number, special = false) => ({
  id,
  text,
  logprob,
  special,
});

describe('RemoteTgiInference', () => {
  it('forces a tool call with a JSON grammar on a Llama 3 prompt, and reads the call back', async () => {
    server = await createFixtureServer({
      'POST /generate': {
        json: {
          generated_text: '{"name": "get_weather", "parameters": {"unit": "celsius"}}',
          details: {
            finish_reason: 'eos_token',
            generated_tokens: 12,
            seed: null,
            prefill: [{}, {}, {}],
            tokens: [],
          },
        },
      },
    });
    const response = await inference(server.url).chatCompletion(
      ChatCompletionRequest.parse({
        model: 'm',
        messages: [{ role: 'user', content: 'Warm?' }],
        available_tools: [{ tool_name: 'get_weather', parameters: { type: 'object' } }],
        tool_choice: { tool_name: 'get_weather' },
        max_tokens: 50,
      }),
    );
    const body = server.requests[0]?.body as { inputs: string; parameters: Record<string, unknown> };
    expect(body.inputs).toMatch(/^<\|begin_of_text\|><\|start_header_id\|>system<\|end_header_id\|>\n\n/);
    expect(body.inputs).toMatch(/<\|start_header_id\|>user<\|end_header_id\|>\n\nWarm\?<\|eot_id\|>/);
    expect(body.inputs.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true);
    expect(body.parameters).toEqual({
      details: true,
      decoder_input_details: true,
      do_sample: false,
      max_new_tokens: 50,
      grammar: {
        type: 'json',
        value: {
          type: 'object',
          properties: { name: { type: 'string', enum: ['get_weather'] }, parameters: { type: 'object' } },
          required: ['name', 'parameters'],
        },
      },
    });
    expect(response).toEqual({
      content: '',
      tool_calls: [{ tool_name: 'get_weather', arguments: { unit: 'celsius' } }],
      stop_reason: 'finished_ok',
      logprobs: null,
      usage: { prompt_tokens: 3, completion_tokens: 12 },
    });
  });

  it('streams tokens with their logprobs, leaves the special end token out, and ends with the stop reason', async () => {
    server = await createFixtureServer({
      'POST /generate_stream': {
        chunks: [
          {
            index: 1,
            token: token(5, 'Once', -0.5),
            top_tokens: [token(5, 'Once', -0.5), token(9, 'One', -1)],
            generated_text: null,
            details: null,
          },
          {
            index: 2,
            token: token(2, '</s>', -0.1, true),
            top_tokens: [token(2, '</s>', -0.1, true)],
            generated_text: 'Once',
            details: { finish_reason: 'eos_token', generated_tokens: 2, seed: null, input_length: 4 },
          },
        ],
      },
    });
    const chunks = [];
    for await (const chunk of inference(server.url).streamCompletion(
      CompletionRequest.parse({
        model: 'm',
        content: 'Tell',
        stream: true,
        logprobs: { top_k: 2 },
        sampling_params: { strategy: 'top_p', temperature: 0.8, top_p: 0.9 },
      }),
    )) {
      chunks.push(chunk);
    }
    expect(server.requests[0]?.body).toEqual({
      inputs: 'Tell',
      parameters: { details: true, do_sample: true, temperature: 0.8, top_p: 0.9, top_n_tokens: 2 },
    });
    expect(chunks).toEqual([
      {
        text_delta: 'Once',
        logprobs: {
          content: [
            {
              token: 'Once',
              logprob: -0.5,
              token_id: 5,
              top_logprobs: [
                { token: 'Once', logprob: -0.5, token_id: 5 },
                { token: 'One', logprob: -1, token_id: 9 },
              ],
            },
          ],
        },
      },
      { text_delta: '', stop_reason: 'finished_ok', usage: { prompt_tokens: 4, completion_tokens: 2 } },
    ]);
  });
});
