import { Message } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { convertToLlamaCppChat } from './convert-to-llama-cpp-chat.js';

const messages = (input: unknown[]) => input.map((item) => Message.parse(item));

describe('convertToLlamaCppChat', () => {
  it('maps system, user and assistant text one to one', () => {
    expect(
      convertToLlamaCppChat(
        messages([
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: ['Hi ', 'there'] },
          { role: 'assistant', content: 'Hello.' },
          { role: 'user', content: 'Bye' },
        ]),
      ),
    ).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi there' },
      { type: 'model', response: ['Hello.'] },
      { type: 'user', text: 'Bye' },
    ]);
  });

  it('attaches tool results to the calls of the preceding assistant message', () => {
    const history = convertToLlamaCppChat(
      messages([
        { role: 'user', content: 'Weather in Paris and time in Tokyo?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { tool_name: 'get_weather', arguments: { city: 'Paris' } },
            { tool_name: 'get_time', arguments: { city: 'Tokyo' } },
          ],
        },
        { role: 'tool', content: '', tool_responses: [{ tool_name: 'get_time', content: '09:00' }] },
        { role: 'tool', content: 'sunny' },
      ]),
    );
    expect(history).toEqual([
      { type: 'user', text: 'Weather in Paris and time in Tokyo?' },
      {
        type: 'model',
        response: [
          { type: 'functionCall', name: 'get_weather', params: { city: 'Paris' }, result: 'sunny' },
          { type: 'functionCall', name: 'get_time', params: { city: 'Tokyo' }, result: '09:00' },
        ],
      },
    ]);
  });

  it('renders a tool result with no call to answer as a user message', () => {
    expect(
      convertToLlamaCppChat(
        messages([
          { role: 'tool', content: '', tool_responses: [{ tool_name: 'search', content: 'found' }] },
        ]),
      ),
    ).toEqual([{ type: 'user', text: 'Result of tool search:\nfound' }]);
  });

  it('leaves null as the result of an unanswered call', () => {
    const [item] = convertToLlamaCppChat(
      messages([
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [{ tool_name: 'search', arguments: { q: 'x' } }],
        },
      ]),
    );
    expect(item).toEqual({
      type: 'model',
      response: ['Let me look.', { type: 'functionCall', name: 'search', params: { q: 'x' }, result: null }],
    });
  });
});
