import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { scriptedStack } from '../test-support/scripted-inference.js';
import { createTgiRoutes, type TgiRoutesOptions } from './create-tgi-routes.js';

function setup(options: TgiRoutesOptions = {}) {
  const stack = scriptedStack();
  const app = createTgiRoutes(createInferenceAccess(stack), {
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { stack, app, post };
}

describe('POST /generate', () => {
  it('answers the generated text alone when details are not asked for', async () => {
    const { post, stack } = setup();
    const response = await post('/generate', { inputs: 'My name is' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"generated_text":"Hello world!"}');
    expect(response.headers.get('x-generated-tokens')).toBe('3');
    expect(response.headers.get('x-prompt-tokens')).toBe('5');
    expect(stack.provider.calls[0]).toEqual({
      operation: 'completion',
      request: expect.objectContaining({
        model: 'tiny-llm',
        content: 'My name is',
        max_tokens: 100,
        logprobs: false,
        sampling_params: expect.objectContaining({ strategy: 'greedy', temperature: 0 }),
      }),
    });
  });

  it('answers TGI details exactly: finish_reason, generated_tokens, seed, prefill, tokens, top_tokens', async () => {
    const { post } = setup();
    const response = await post('/generate', {
      inputs: 'My name is',
      parameters: {
        details: true,
        decoder_input_details: true,
        top_n_tokens: 2,
        max_new_tokens: 2,
        do_sample: true,
        seed: 42,
      },
    });
    expect(await response.text()).toBe(
      JSON.stringify({
        generated_text: 'Hello world',
        details: {
          finish_reason: 'length',
          generated_tokens: 2,
          seed: 42,
          prefill: [
            { id: 1, text: '', logprob: null },
            { id: 100, text: 'My', logprob: null },
            { id: 101, text: ' name', logprob: null },
            { id: 102, text: ' is', logprob: null },
          ],
          tokens: [
            { id: 100, text: 'Hello', logprob: -0.25, special: false },
            { id: 101, text: ' world', logprob: -0.5, special: false },
          ],
          top_tokens: [
            [
              { id: 100, text: 'Hello', logprob: -0.25, special: false },
              { id: 7, text: 'x', logprob: -3, special: false },
            ],
            [
              { id: 101, text: ' world', logprob: -0.5, special: false },
              { id: 7, text: 'x', logprob: -3, special: false },
            ],
          ],
        },
      }),
    );
  });

  it('maps TGI sampling parameters: any warper turns sampling on, with a reported random seed', async () => {
    const { post, stack } = setup();
    const body = (await (
      await post('/generate', {
        inputs: 'x',
        parameters: { temperature: 0.5, top_k: 10, repetition_penalty: 1.1, stop: ['\n'], details: true },
      })
    ).json()) as { details: { seed: number; finish_reason: string } };
    expect(body.details.finish_reason).toBe('eos_token');
    expect(Number.isInteger(body.details.seed) && body.details.seed > 0).toBe(true);
    expect(stack.provider.calls[0]?.request).toMatchObject({
      stop: ['\n'],
      logprobs: { top_k: 1 },
      sampling_params: {
        strategy: 'top_k',
        temperature: 0.5,
        top_k: 10,
        top_p: 1,
        repetition_penalty: 1.1,
        seed: body.details.seed,
      },
    });
  });

  it('greedy decoding reports seed null', async () => {
    const { post } = setup();
    const body = (await (await post('/generate', { inputs: 'x', parameters: { details: true } })).json()) as {
      details: { seed: number | null };
    };
    expect(body.details.seed).toBeNull();
  });

  it('prepends the prompt with return_full_text', async () => {
    const { post } = setup();
    expect(
      await (await post('/generate', { inputs: 'Hi: ', parameters: { return_full_text: true } })).json(),
    ).toEqual({
      generated_text: 'Hi: Hello world!',
    });
  });

  it('truncates the prompt to its last `truncate` tokens through the tokenizer', async () => {
    const { post, stack } = setup();
    await post('/generate', { inputs: 'one two three four', parameters: { truncate: 2 } });
    expect(stack.provider.calls.at(-1)?.request).toMatchObject({ content: ' three four' });
  });

  it('constrains with a JSON-schema grammar (object or string) and turns a regex into GBNF', async () => {
    const { post, stack } = setup();
    const schema = { type: 'object', properties: { a: { type: 'integer' } } };
    await post('/generate', { inputs: 'x', parameters: { grammar: { type: 'json', value: schema } } });
    await post('/generate', {
      inputs: 'x',
      parameters: { grammar: { type: 'json', value: JSON.stringify(schema) } },
    });
    await post('/generate', {
      inputs: 'x',
      parameters: { grammar: { type: 'regex', value: '\\d{3}-[a-z]+' } },
    });
    expect(
      stack.provider.calls.map((call) => (call.request as { response_format: unknown }).response_format),
    ).toEqual([
      { type: 'json_schema', json_schema: schema },
      { type: 'json_schema', json_schema: schema },
      { type: 'grammar', bnf: 'root ::= [0-9] [0-9] [0-9] "-" [a-z]+\n' },
    ]);
  });
});

describe('POST /generate_stream', () => {
  it('streams one event per token, the last (the one that spends max_new_tokens) with generated_text and details, framed as TGI does', async () => {
    const { post } = setup();
    const response = await post('/generate_stream', {
      inputs: 'Hi',
      parameters: { details: true, max_new_tokens: 2 },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe(
      [
        'data:{"index":1,"token":{"id":100,"text":"Hello","logprob":-0.25,"special":false},"generated_text":null,"details":null}',
        'data:{"index":2,"token":{"id":101,"text":" world","logprob":-0.5,"special":false},"generated_text":"Hello world","details":{"finish_reason":"length","generated_tokens":2,"seed":null,"input_length":5}}',
        '',
      ].join('\n\n'),
    );
  });

  it('without details: token ids and logprobs as TGI sends them, details null', async () => {
    const { post, stack } = setup();
    const response = await post('/generate_stream', { inputs: 'Hi' });
    expect(stack.provider.calls[0]?.request).toMatchObject({ logprobs: { top_k: 1 } });
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events).toEqual([
      'data:{"index":1,"token":{"id":100,"text":"Hello","logprob":-0.25,"special":false},"generated_text":null,"details":null}',
      'data:{"index":2,"token":{"id":101,"text":" world","logprob":-0.5,"special":false},"generated_text":null,"details":null}',
      'data:{"index":3,"token":{"id":102,"text":"!","logprob":-0.75,"special":false},"generated_text":null,"details":null}',
      'data:{"index":4,"token":{"id":0,"text":"","logprob":null,"special":true},"generated_text":"Hello world!","details":null}',
    ]);
  });

  it('sends top_tokens per event with top_n_tokens', async () => {
    const { post } = setup();
    const events = (
      await (await post('/generate_stream', { inputs: 'Hi', parameters: { top_n_tokens: 1 } })).text()
    )
      .split('\n\n')
      .filter(Boolean);
    expect(JSON.parse(events[0]?.slice('data:'.length) ?? '')).toEqual({
      index: 1,
      token: { id: 100, text: 'Hello', logprob: -0.25, special: false },
      top_tokens: [{ id: 100, text: 'Hello', logprob: -0.25, special: false }],
      generated_text: null,
      details: null,
    });
  });

  it('ends a stream that fails midway with an error event in TGI form', async () => {
    const { post } = setup({ tgiModel: 'flaky-llm' });
    const events = (await (await post('/generate_stream', { inputs: 'Hi' })).text())
      .split('\n\n')
      .filter(Boolean);
    expect(events).toEqual([
      'data:{"index":1,"token":{"id":100,"text":"Hello","logprob":-0.25,"special":false},"generated_text":null,"details":null}',
      'data:{"error":"Request failed during generation: an internal error. The server log has the details under request id unknown.","error_type":"generation"}',
    ]);
  });
});

describe('POST /', () => {
  it('answers a one-element array, with the prompt prepended by default as TGI does', async () => {
    const { post } = setup();
    expect(await (await post('/', { inputs: 'Hi ' })).json()).toEqual([
      { generated_text: 'Hi Hello world!' },
    ]);
    expect(
      await (await post('/', { inputs: 'Hi ', parameters: { return_full_text: false } })).json(),
    ).toEqual([{ generated_text: 'Hello world!' }]);
  });

  it('streams when stream is true', async () => {
    const { post } = setup({ compatReturnFullText: false });
    const events = (await (await post('/', { inputs: 'Hi', stream: true })).text())
      .split('\n\n')
      .filter(Boolean);
    expect(events.at(-1)).toBe(
      'data:{"index":4,"token":{"id":0,"text":"","logprob":null,"special":true},"generated_text":"Hello world!","details":null}',
    );
  });
});

describe("TGI routes' errors", () => {
  it('422 validation, in TGI words, for out-of-range parameters', async () => {
    const { post } = setup();
    const cases: [unknown, string][] = [
      [
        { inputs: 'x', parameters: { temperature: 0 } },
        'Input validation error: `temperature` must be strictly positive',
      ],
      [
        { inputs: 'x', parameters: { top_p: 1.5 } },
        'Input validation error: `top_p` must be > 0.0 and <= 1.0',
      ],
      [
        { inputs: 'x', parameters: { stop: ['a', 'b', 'c', 'd', 'e'] } },
        'Input validation error: `stop` supports up to 4 stop sequences',
      ],
      [
        { inputs: 'x', parameters: { max_new_tokens: 2 ** 53 } },
        'Input validation error: `max_new_tokens` must be at most 2147483647',
      ],
      [{ inputs: '' }, 'Input validation error: `inputs` cannot be empty'],
      [{ parameters: {} }, 'Input validation error: `inputs` is required'],
      [
        { inputs: 'x', parameters: { best_of: 2 } },
        'Input validation error: `best_of` must be 1: this server generates one sequence per request',
      ],
    ];
    for (const [body, error] of cases) {
      const response = await post('/generate', body);
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ error, error_type: 'validation' });
    }
  });

  it('422 for what streaming cannot do, and for a regex a grammar cannot express', async () => {
    const { post } = setup();
    const prefill = await post('/generate_stream', {
      inputs: 'x',
      parameters: { decoder_input_details: true },
    });
    expect(prefill.status).toBe(422);
    expect(await prefill.json()).toEqual({
      error: 'Input validation error: `decoder_input_details` == true is not supported when streaming tokens',
      error_type: 'validation',
    });
    const regex = await post('/generate', {
      inputs: 'x',
      parameters: { grammar: { type: 'regex', value: '(a)\\1' } },
    });
    expect(regex.status).toBe(422);
    expect(await regex.json()).toMatchObject({ error_type: 'validation' });
  });

  it('429 overloaded, before any event of a stream', async () => {
    const { post } = setup({ tgiModel: 'busy-llm' });
    for (const path of ['/generate', '/generate_stream']) {
      const response = await post(path, { inputs: 'x' });
      expect(response.status).toBe(429);
      expect(await response.json()).toEqual({
        error: 'Model is overloaded: 8 requests are queued; retry later.',
        error_type: 'overloaded',
      });
    }
  });

  it('424 generation when the provider fails', async () => {
    const { post, stack } = setup();
    stack.provider.completion = async () => {
      throw new Error('internal detail');
    };
    const response = await post('/generate', { inputs: 'x' });
    expect(response.status).toBe(424);
    const body = (await response.json()) as { error: string; error_type: string };
    expect(body.error_type).toBe('generation');
    expect(body.error).not.toContain('internal detail');
  });
});
