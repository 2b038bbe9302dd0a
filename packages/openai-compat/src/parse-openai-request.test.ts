import { stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { describe, expect, it } from 'vitest';
import { toOpenAiParam } from './core-field-to-param.js';
import { ChatCompletionCreateRequest } from './openai-chat-schemas.js';
import { parseOpenAiRequest } from './parse-openai-request.js';

const failureOf = (parse: () => unknown) => stackErrorOf(Promise.resolve().then(parse));

describe('parseOpenAiRequest', () => {
  it('keeps the fields it knows and drops the rest', () => {
    const body = parseOpenAiRequest(ChatCompletionCreateRequest, {
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      unknown_field: true,
    });
    expect(body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('names a nested param as OpenAI does, and counts the other problems', async () => {
    const error = await failureOf(() =>
      parseOpenAiRequest(ChatCompletionCreateRequest, {
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'user', content: 5 },
          { role: 'user', content: 6 },
        ],
      }),
    );
    expect(error.status).toBe(400);
    expect(error.field).toBe('messages[1].content');
    expect(error.message).toContain('(and 1 more problem)');
  });

  it('refuses a body that is not an object', async () => {
    const error = await failureOf(() => parseOpenAiRequest(ChatCompletionCreateRequest, [1, 2]));
    expect(error.message).toBe('The request body must be a JSON object.');
  });
});

describe('toOpenAiParam', () => {
  it.each([
    ['sampling_params.temperature', 'temperature'],
    ['available_tools.0.parameters', 'tools[0].parameters'],
    ['messages.2.content', 'messages[2].content'],
    ['contents', 'input'],
    ['content', 'prompt'],
  ])('names the stack field %s as %s', (field, param) => {
    expect(toOpenAiParam(field)).toBe(param);
  });
});
