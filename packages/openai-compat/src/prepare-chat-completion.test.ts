import type {
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatCompletionResponseStreamChunk,
  Inference,
} from '@llama-stack-ts/core';
import { stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { describe, expect, it } from 'vitest';
import { ChatCompletionCreateRequest } from './openai-chat-schemas.js';
import { prepareChatCompletion } from './prepare-chat-completion.js';

/** A scripted chat model: answers each request with its seed, so the choices can be told apart. */
function scriptedChat(): { inference: Inference; requests: ChatCompletionRequest[] } {
  const requests: ChatCompletionRequest[] = [];
  const answer = (request: ChatCompletionRequest): ChatCompletionResponse => ({
    content: `seed ${request.sampling_params.seed}`,
    tool_calls: [],
    stop_reason: 'finished_ok',
    usage: { prompt_tokens: 4, completion_tokens: 2 },
  });
  const chat = {
    async chatCompletion(request: ChatCompletionRequest) {
      requests.push(request);
      return answer(request);
    },
    async *streamChatCompletion(
      request: ChatCompletionRequest,
    ): AsyncGenerator<ChatCompletionResponseStreamChunk> {
      requests.push(request);
      const { content, stop_reason, usage } = answer(request);
      yield { text_delta: content as string, stop_reason, usage };
    },
  };
  return { inference: chat as unknown as Inference, requests };
}

const body = (fields: Record<string, unknown>) =>
  ChatCompletionCreateRequest.parse({ messages: [{ role: 'user', content: 'Hi' }], ...fields });

describe('prepareChatCompletion', () => {
  it('runs one stack request per choice, seeds apart, usage counting the prompt once', async () => {
    const { inference, requests } = scriptedChat();
    const call = prepareChatCompletion(body({ n: 2, seed: 7 }), 'm', { inference, systemFingerprint: 'fp' });
    const completion = await call.run(new AbortController().signal);
    expect(requests.map((request) => request.sampling_params.seed)).toEqual([7, 8]);
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'm',
      system_fingerprint: 'fp',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'seed 7' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'seed 8' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 },
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
  });

  it('streams the role, the content and the finish reason of each choice, then the usage', async () => {
    const { inference } = scriptedChat();
    const call = prepareChatCompletion(body({ seed: 1, stream_options: { include_usage: true } }), 'm', {
      inference,
      systemFingerprint: 'fp',
    });
    const chunks: Record<string, unknown>[] = [];
    for await (const chunk of call.stream(new AbortController().signal))
      chunks.push(chunk as Record<string, unknown>);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: { content: 'seed 1' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      [],
    ]);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
  });

  it('refuses more choices than maxChoices before anything runs', async () => {
    const { inference, requests } = scriptedChat();
    const error = await stackErrorOf(
      Promise.resolve().then(() =>
        prepareChatCompletion(body({ n: 3 }), 'm', { inference, maxChoices: 2, systemFingerprint: 'fp' }),
      ),
    );
    expect(error.field).toBe('n');
    expect(requests).toEqual([]);
  });
});
