import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { normalizeVolatile, scriptedStack } from '../test-support/scripted-inference.js';
import { createTgiRoutes, type TgiRoutesOptions } from './create-tgi-routes.js';

function setup(options: TgiRoutesOptions = {}) {
  const stack = scriptedStack();
  const app = createTgiRoutes(createInferenceAccess(stack), {
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const invoke = (body: unknown) =>
    app.request('/invocations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { stack, invoke };
}

const events = async (response: Response) => (await response.text()).split('\n\n').filter(Boolean);

describe('POST /invocations', () => {
  it('answers an `inputs` body as POST / does: a one-element list, the prompt prepended', async () => {
    const { invoke, stack } = setup();
    const response = await invoke({ inputs: 'Hi ', parameters: { max_new_tokens: 5 } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('[{"generated_text":"Hi Hello world!"}]');
    expect(response.headers.get('x-compute-type')).toBe('llama-stack-ts');
    expect(stack.provider.calls[0]).toEqual({
      operation: 'completion',
      request: expect.objectContaining({ model: 'tiny-llm', content: 'Hi ', max_tokens: 5 }),
    });
  });

  it("streams an `inputs` body with `stream` in TGI's events", async () => {
    const { invoke } = setup({ compatReturnFullText: false });
    expect((await events(await invoke({ inputs: 'Hi', stream: true }))).at(-1)).toBe(
      'data:{"index":4,"token":{"id":0,"text":"","logprob":null,"special":true},"generated_text":"Hello world!","details":null}',
    );
  });

  it('answers a `messages` body as a chat completion, on the TGI model when it names none', async () => {
    const { invoke } = setup();
    const response = await invoke({ messages: [{ role: 'user', content: 'Say hello' }] });
    expect(response.status).toBe(200);
    expect(JSON.parse(normalizeVolatile(await response.text()))).toMatchObject({
      id: 'chatcmpl-ID',
      object: 'chat.completion',
      model: 'tiny-llm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world!' }, finish_reason: 'stop' }],
    });
  });

  it('streams a `messages` body as chat completion chunks ending with [DONE]', async () => {
    const { invoke } = setup();
    const frames = await events(
      await invoke({ model: 'tgi', messages: [{ role: 'user', content: 'Hi' }], stream: true }),
    );
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(frames.slice(0, -1).map((frame) => JSON.parse(frame.slice('data: '.length)).object)).toEqual(
      frames.slice(0, -1).map(() => 'chat.completion.chunk'),
    );
  });

  it('answers a `prompt` body as a text completion', async () => {
    const { invoke } = setup();
    const response = await invoke({ prompt: 'Once upon', max_tokens: 3 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, text: 'Hello world!' }],
    });
  });

  it("answers every problem 422 in TGI's shape, naming the field", async () => {
    const { invoke } = setup();
    const cases: [unknown, string][] = [
      [
        { inputs: 'Hi', parameters: { top_p: 2 } },
        'Input validation error: `top_p` must be > 0.0 and <= 1.0',
      ],
      [{ inputs: '' }, 'Input validation error: `inputs` cannot be empty'],
      [
        {},
        'Input validation error: `inputs` is required (or `messages` for a chat completion, `prompt` for a completion)',
      ],
      [
        [{ inputs: 'Hi' }],
        'Input validation error: the request body must be a JSON object with `inputs`, `messages` or `prompt`',
      ],
      ['{"inputs": ', expect.stringContaining('Input validation error: the request body is not valid JSON')],
    ];
    for (const [body, error] of cases) {
      const response = await invoke(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(await response.json()).toEqual({ error, error_type: 'validation' });
    }
    const chat = await invoke({ messages: [{ role: 'robot', content: 'Hi' }] });
    expect(chat.status).toBe(422);
    expect(await chat.json()).toEqual({
      error: expect.stringMatching(/^Input validation error: Invalid 'messages\[0\]\.role'/),
      error_type: 'validation',
    });
  });

  it("answers an unknown model 404 in TGI's shape", async () => {
    const { invoke } = setup();
    const response = await invoke({ model: 'no-such-model', prompt: 'Hi' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining('no-such-model') });
  });
});
