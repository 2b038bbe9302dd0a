import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type Inference,
  Message,
  StackError,
} from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { LlamaGuardShield, llamaGuardSuggestedResponse } from './llama-guard-shield.js';

/**
 * A scripted guard model: answers a fixed text and keeps the requests. The real-model path (the
 * llama-cpp provider honouring the grammar) is in test/model-dependent/llama-guard-stack.test.ts;
 * a tiny model always says "safe", so the unsafe paths are pinned down here.
 */
function scriptedInference(answer: string): { inference: Inference; requests: ChatCompletionRequest[] } {
  const requests: ChatCompletionRequest[] = [];
  const inference = {
    async chatCompletion(request: ChatCompletionRequest): Promise<ChatCompletionResponse> {
      requests.push(request);
      return { content: answer, tool_calls: [], stop_reason: 'finished_ok' };
    },
  } as unknown as Inference;
  return { inference, requests };
}

const conversation = [
  Message.parse({ role: 'user', content: 'hi' }),
  Message.parse({ role: 'assistant', content: 'Here is how to pick a lock.' }),
];

describe('llama_guard shield', () => {
  it('sends the rendered prompt under the verdict grammar, greedy, to the configured model', async () => {
    const { inference, requests } = scriptedInference('safe');
    const shield = new LlamaGuardShield('guard', inference);
    expect(
      await shield.run(conversation, { model: 'Llama-Guard-3-1B', excluded_categories: ['S14'] }),
    ).toBeNull();
    const [request] = requests;
    expect(request).toMatchObject({
      model: 'Llama-Guard-3-1B',
      sampling_params: { strategy: 'greedy', temperature: 0 },
      max_tokens: 24,
      response_format: { type: 'grammar' },
    });
    expect(request?.messages).toHaveLength(1);
    expect(request?.messages?.[0]?.content).toMatch(/ONLY THE LAST Agent message/);
    expect(request?.messages?.[0]?.content).not.toMatch(/S14/);
    expect(request?.response_format?.type === 'grammar' && request.response_format.bnf).not.toMatch(/S14/);
  });

  it('turns an unsafe verdict into a violation naming the categories', async () => {
    const shield = new LlamaGuardShield('guard', scriptedInference('unsafe\nS2,S10').inference);
    expect(await shield.run(conversation, { model: 'g' })).toEqual({
      violation_type: 'S2,S10',
      details:
        'Llama Guard (g) judged the last assistant message unsafe: S2 (Non-Violent Crimes), S10 (Hate).',
      suggested_user_response: llamaGuardSuggestedResponse,
    });
  });

  it("blocks an 'unsafe' whose codes were cut off, and drops codes it was told not to check", async () => {
    const shield = new LlamaGuardShield('guard', scriptedInference('unsafe\nS3,S').inference);
    expect(
      (await shield.run(conversation, { model: 'g', excluded_categories: ['S3'] }))?.violation_type,
    ).toBe('unsafe');
  });

  it('fails with a 502 naming the model when the answer does not parse, and a 503 with no inference', async () => {
    const garbled = new LlamaGuardShield('guard', scriptedInference('maybe').inference);
    const error = await garbled.run(conversation, { model: 'g' }).catch((caught: unknown) => caught);
    expect(StackError.isInstance(error) && [error.status, error.message]).toEqual([
      502,
      expect.stringMatching(/Guard model 'g' of shield 'guard' answered unparseably/),
    ]);
    const orphan = await new LlamaGuardShield('guard', undefined)
      .run(conversation, { model: 'g' })
      .catch((caught: unknown) => caught);
    expect((orphan as StackError).status).toBe(503);
  });

  it('needs a model, and at least one category left', async () => {
    const shield = new LlamaGuardShield('guard', scriptedInference('safe').inference);
    expect(((await shield.run(conversation, {}).catch((e) => e)) as StackError).field).toBe('params.model');
    const all = Array.from({ length: 14 }, (_, index) => `S${index + 1}`);
    const error = (await shield
      .run(conversation, { model: 'g', excluded_categories: all })
      .catch((e) => e)) as StackError;
    expect(error.field).toBe('params.excluded_categories');
  });
});
