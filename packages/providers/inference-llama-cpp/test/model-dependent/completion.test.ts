import { CompletionRequest, type CompletionRequestInput, InvalidRequestError } from '@llama-stack-ts/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  collect,
  describeWithModels,
  startProvider,
  type TestProvider,
  testModel,
  testModels,
} from '../test-models.js';

const request = (input: Omit<CompletionRequestInput, 'model'> & { model?: string }) =>
  CompletionRequest.parse({ model: 'stories', ...input });

describeWithModels('completion (stories260K)', [testModels.stories, testModels.tinyRandom], () => {
  let provider: TestProvider;

  beforeAll(async () => {
    provider = await startProvider({ gpu: 'cpu', context_size: 256, parallel_sequences: 2 }, [
      testModel('stories', testModels.stories),
      testModel('random', testModels.tinyRandom, { metadata: { context_size: 256 } }),
    ]);
  });
  afterAll(async () => {
    await provider?.[Symbol.asyncDispose]();
  });

  it('continues a prompt greedily, the same text each time, and stops at max_tokens', async () => {
    const first = await provider.inference.completion(
      request({ content: 'Once upon a time', max_tokens: 12 }),
    );
    const second = await provider.inference.completion(
      request({ content: 'Once upon a time', max_tokens: 12 }),
    );
    expect(first.content).toMatch(/\w/);
    expect(second.content).toBe(first.content);
    expect(first.stop_reason).toBe('max_tokens');
    expect(first.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: 12 });
    expect(first.logprobs).toBeUndefined();
  });

  it('takes the budget from sampling_params.max_tokens, as later Llama Stack clients send it', async () => {
    const response = await provider.inference.completion(
      request({ content: 'Once upon a time', sampling_params: { max_tokens: 5 } }),
    );
    expect(response.stop_reason).toBe('max_tokens');
    expect(response.usage?.completion_tokens).toBe(5);
  });

  it('streams the same text as the plain response, stop_reason on the last chunk only', async () => {
    const plain = await provider.inference.completion(request({ content: 'The cat', max_tokens: 10 }));
    const chunks = await collect(
      provider.inference.streamCompletion(request({ content: 'The cat', max_tokens: 10, stream: true })),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text_delta).join('')).toBe(plain.content);
    expect(chunks.slice(0, -1).every((chunk) => chunk.stop_reason === undefined)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ stop_reason: 'max_tokens', usage: { completion_tokens: 10 } });
  });

  it('stops at a stop string, which the output leaves out, as finished_ok', async () => {
    const plain = await provider.inference.completion(
      request({ content: 'Once upon a time', max_tokens: 20 }),
    );
    const text = plain.content as string;
    const word = text.trim().split(/\s+/)[2] as string;
    const stopped = await provider.inference.completion(
      request({ content: 'Once upon a time', max_tokens: 20, stop: [word] }),
    );
    expect(stopped.stop_reason).toBe('finished_ok');
    expect(stopped.content).not.toContain(word);
    expect(text.startsWith(stopped.content as string)).toBe(true);
  });

  it('reports the log probability of each generated token with the top alternatives', async () => {
    const response = await provider.inference.completion(
      request({ content: 'Once upon a time', max_tokens: 6, logprobs: { top_k: 3 } }),
    );
    const entries = response.logprobs?.content ?? [];
    expect(entries).toHaveLength(6);
    expect(entries.map((entry) => entry.token).join('')).toBe(response.content);
    for (const entry of entries) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs).toHaveLength(3);
      // Greedy: the generated token is the most likely one.
      expect(entry.top_logprobs[0]).toMatchObject({
        token: entry.token,
        logprob: entry.logprob,
        token_id: entry.token_id,
      });
      expect(entry.top_logprobs[1]?.logprob).toBeLessThanOrEqual(entry.logprob);
    }
    const streamed = await collect(
      provider.inference.streamCompletion(
        request({ content: 'Once upon a time', max_tokens: 6, logprobs: true, stream: true }),
      ),
    );
    const streamedEntries = streamed.flatMap((chunk) => chunk.logprobs?.content ?? []);
    expect(streamedEntries.map((entry) => entry.token_id)).toEqual(entries.map((entry) => entry.token_id));
    // One alternative under greedy decoding comes from the chosen token's probability alone, not the
    // whole distribution: the same figures.
    for (const [index, entry] of streamedEntries.entries()) {
      expect(entry.logprob).toBeCloseTo((entries[index] as (typeof entries)[number]).logprob, 4);
      expect(entry.top_logprobs).toEqual([
        { token: entry.token, logprob: entry.logprob, token_id: entry.token_id },
      ]);
    }
  });

  it("continues the prompt's text: a first token's leading space is part of the answer, plain, streamed and in the log probabilities", async () => {
    // stories260K carries on after "Lily and Tom" with a space-led token (" were", " had", ...).
    const completion = (stream: boolean) =>
      request({ content: 'Lily and Tom', max_tokens: 4, logprobs: true, stream });
    const plain = await provider.inference.completion(completion(false));
    const streamed = await collect(provider.inference.streamCompletion(completion(true)));
    expect(plain.content).toMatch(/^ \S/);
    expect(streamed.map((chunk) => chunk.text_delta).join('')).toBe(plain.content);
    expect(plain.logprobs?.content.map((entry) => entry.token).join('')).toBe(plain.content);
  });

  it('samples reproducibly with a seed, with or without log probabilities', async () => {
    const sampled = (seed: number, logprobs: boolean) =>
      provider.inference.completion(
        request({
          content: 'Once upon a time',
          max_tokens: 16,
          logprobs,
          sampling_params: { strategy: 'top_p', temperature: 1.5, top_p: 1, seed },
        }),
      );
    const [a, b, c] = await Promise.all([sampled(1, false), sampled(1, false), sampled(2, false)]);
    expect(b.content).toBe(a.content);
    expect(c.content).not.toBe(a.content);
    const [d, e] = [await sampled(5, true), await sampled(5, true)];
    expect(e.content).toBe(d.content);
    expect(d.logprobs?.content.map((entry) => entry.token).join('')).toBe(d.content);
    // Sampled tokens are not always the most likely ones; their log probabilities still come from the model.
    expect(d.logprobs?.content.some((entry) => entry.top_logprobs[0]?.token_id !== entry.token_id)).toBe(
      true,
    );
  });

  it('applies a repetition penalty', async () => {
    const plain = await provider.inference.completion(
      request({ content: 'Once upon a time', max_tokens: 40 }),
    );
    const penalised = await provider.inference.completion(
      request({ content: 'Once upon a time', max_tokens: 40, sampling_params: { repetition_penalty: 1.8 } }),
    );
    expect(penalised.content).not.toBe(plain.content);
  });

  it('constrains the output to a JSON schema', async () => {
    const response = await provider.inference.completion(
      request({
        content: 'The kid and the dog: ',
        response_format: {
          type: 'json_schema',
          json_schema: {
            type: 'object',
            properties: {
              name: { type: 'string', maxLength: 12 },
              age: { type: 'integer' },
              happy: { type: 'boolean' },
            },
            required: ['name', 'age', 'happy'],
          },
        },
      }),
    );
    expect(response.stop_reason).toBe('finished_ok');
    const parsed = JSON.parse(response.content as string);
    expect(Object.keys(parsed).sort()).toEqual(['age', 'happy', 'name']);
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.age)).toBe(true);
    expect(typeof parsed.happy).toBe('boolean');
  });

  it('constrains the output to a GBNF grammar, and names a broken one', async () => {
    const response = await provider.inference.completion(
      request({
        content: 'Answer:',
        response_format: { type: 'grammar', bnf: 'root ::= ("yes" | "no") "."' },
      }),
    );
    expect(response.content).toMatch(/^(yes|no)\.$/);
    await expect(
      provider.inference.completion(
        request({ content: 'x', response_format: { type: 'grammar', bnf: 'root ::= (' } }),
      ),
    ).rejects.toThrow(InvalidRequestError);
  });

  it('with max_tokens 0 generates to the end of the context, as max_tokens', async () => {
    // Random weights over 32000 tokens: an end-of-sequence token is unlikely in 256 tokens.
    const response = await provider.inference.completion(request({ model: 'random', content: 'Hello' }));
    expect(response.stop_reason).toBe('max_tokens');
    const usage = response.usage as { prompt_tokens: number; completion_tokens: number };
    expect(usage.prompt_tokens + usage.completion_tokens).toBe(256);
  });

  it('refuses a prompt longer than the context', async () => {
    await expect(
      provider.inference.completion(request({ model: 'random', content: 'word '.repeat(300) })),
    ).rejects.toThrow(/content: the prompt is \d+ tokens; model 'random' holds 256/);
  });

  it('refuses by its length alone, before tokenizing, a text with more characters than the context can hold', async () => {
    // About 1 s of tokenizing on the event loop, were it tokenized; the tokenizer's own refusal
    // says "the prompt is N tokens" instead.
    const huge = 'Once upon a time. '.repeat(60_000);
    await expect(provider.inference.completion(request({ content: huge }))).rejects.toThrow(
      /^content: is 1080000 characters, more than the \d+ that fit in 255 tokens: model 'stories' holds 256 tokens/,
    );
    await expect(provider.inference.tokenize?.({ model: 'stories', content: huge })).rejects.toThrow(
      /^content: is 1080000 characters, more than the \d+ that fit in 256 tokens/,
    );
  });

  it('runs a batch in order, each prompt as alone', async () => {
    const prompts = ['Once upon a time', 'The dog', 'Lily was'];
    const batch = await provider.inference.batchCompletion({
      model: 'stories',
      content_batch: prompts,
      sampling_params: request({ content: '' }).sampling_params,
      max_tokens: 8,
      logprobs: false,
    });
    const alone = await Promise.all(
      prompts.map((content) => provider.inference.completion(request({ content, max_tokens: 8 }))),
    );
    expect(batch.map((response) => response.content)).toEqual(alone.map((response) => response.content));
  });

  it('tokenizes a prompt and reports the context length', async () => {
    const { tokens } = (await provider.inference.tokenize?.({
      model: 'stories',
      content: 'Once upon a time',
    })) ?? { tokens: [] };
    expect(tokens[0]).toMatchObject({ id: 1, special: true });
    expect(
      tokens
        .slice(1)
        .map((token) => token.text)
        .join(''),
    ).toBe('Once upon a time');
    await expect(provider.inference.modelInfo?.({ model: 'random' })).resolves.toEqual({
      context_length: 256,
      parallel_sequences: 2,
    });
  });
});
