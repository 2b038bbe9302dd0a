import type { TextCompletion } from '@llama-stack-ts/openai-compat';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { normalizeVolatile, scriptedStack } from '../test-support/scripted-inference.js';
import { createOpenAiRoutes } from './create-openai-routes.js';

function setup() {
  const stack = scriptedStack();
  const app = createOpenAiRoutes(createInferenceAccess(stack), {
    logger: pino({ level: 'silent' }),
    systemFingerprint: 'fp_test',
  });
  const post = (body: unknown) =>
    app.request('/v1/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { stack, post };
}

describe('POST /v1/completions', () => {
  it('answers a text_completion; max_tokens defaults to 16 as in OpenAI', async () => {
    const { post, stack } = setup();
    const response = await post({ model: 'tiny-llm', prompt: 'Once upon a time' });
    expect(JSON.parse(normalizeVolatile(await response.text()))).toEqual({
      id: 'cmpl-ID',
      object: 'text_completion',
      created: 0,
      model: 'tiny-llm',
      system_fingerprint: 'fp_test',
      choices: [{ text: 'Hello world!', index: 0, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    expect(stack.provider.calls[0]).toMatchObject({
      operation: 'completion',
      request: { content: 'Once upon a time', max_tokens: 16 },
    });
  });

  it('numbers choices prompt by prompt, echoes prompts and returns legacy logprobs', async () => {
    const { post } = setup();
    const body = (await (
      await post({ model: 'tiny-llm', prompt: ['A', 'BC'], n: 2, echo: true, logprobs: 1, max_tokens: 2 })
    ).json()) as TextCompletion;
    expect(body.choices.map((choice) => [choice.index, choice.text])).toEqual([
      [0, 'AHello world'],
      [1, 'AHello world'],
      [2, 'BCHello world'],
      [3, 'BCHello world'],
    ]);
    expect(body.choices[2]?.logprobs).toEqual({
      tokens: ['Hello', ' world'],
      token_logprobs: [-0.25, -0.5],
      top_logprobs: [{ Hello: -0.25 }, { ' world': -0.5 }],
      text_offset: [2, 7],
    });
    expect(body.usage).toEqual({ prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 });
  });

  it('streams text_completion chunks then [DONE]', async () => {
    const { post } = setup();
    const response = await post({ model: 'tiny-llm', prompt: 'Hi', stream: true, max_tokens: 2 });
    const head =
      '{"id":"cmpl-ID","object":"text_completion","created":0,"model":"tiny-llm","system_fingerprint":"fp_test","choices":';
    expect(normalizeVolatile(await response.text())).toBe(
      [
        `data: ${head}[{"text":"Hello","index":0,"logprobs":null,"finish_reason":null}]}`,
        `data: ${head}[{"text":" world","index":0,"logprobs":null,"finish_reason":null}]}`,
        `data: ${head}[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}]}`,
        'data: [DONE]',
        '',
      ].join('\n\n'),
    );
  });

  it('rejects what it cannot honour, naming the param', async () => {
    const { post } = setup();
    const errors = await Promise.all(
      [
        { model: 'tiny-llm', prompt: [1, 2, 3] },
        { model: 'tiny-llm', prompt: 'x', suffix: 'y' },
        { model: 'tiny-llm', prompt: 'x', best_of: 3 },
        { model: 'tiny-llm', prompt: 'x', logprobs: 6 },
      ].map(async (body) => {
        const response = await post(body);
        return [response.status, ((await response.json()) as { error: { param: string } }).error.param];
      }),
    );
    expect(errors).toEqual([
      [400, 'prompt'],
      [400, 'suffix'],
      [400, 'best_of'],
      [400, 'logprobs'],
    ]);
  });
});
