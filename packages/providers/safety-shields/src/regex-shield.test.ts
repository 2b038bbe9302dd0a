import { Message, StackError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { RegexShield } from './regex-shield.js';

const conversation = (...texts: [role: 'system' | 'user' | 'assistant', text: string][]) =>
  texts.map(([role, content]) => Message.parse({ role, content }));

describe('regex shield', () => {
  const shield = new RegexShield('banned-words');

  it('flags a banned term as a whole word, case-insensitively, naming it and the message', async () => {
    const violation = await shield.run(
      conversation(['user', 'hello'], ['assistant', 'Try Project-X today']),
      {
        terms: ['project-x'],
      },
    );
    expect(violation).toEqual({
      violation_type: 'banned_content',
      details: "message 1 (assistant) matches term 'project-x'",
      suggested_user_response: "I can't help with that.",
    });
  });

  it('does not flag a term inside a longer word, or in a role it does not check', async () => {
    expect(
      await shield.run(conversation(['user', 'the classification is done']), { terms: ['ass'] }),
    ).toBeNull();
    expect(
      await shield.run(conversation(['system', 'never mention Zorp'], ['user', 'ok']), { terms: ['zorp'] }),
    ).toBeNull();
    expect(
      await shield.run(conversation(['user', 'Zorp']), { terms: ['zorp'], case_sensitive: true }),
    ).toBeNull();
  });

  it('matches patterns and rejects a broken one on its index', async () => {
    const violation = await shield.run(conversation(['user', 'my card is 4111 1111 1111 1111']), {
      patterns: ['\\b(?:\\d{4}[ -]?){3}\\d{4}\\b'],
    });
    expect(violation?.details).toMatch(/message 0 \(user\) matches pattern/);
    const error = await shield
      .run(conversation(['user', 'x']), { patterns: ['ok', '(unclosed'] })
      .catch((e) => e);
    expect(StackError.isInstance(error) && error.status).toBe(400);
    expect((error as StackError).field).toBe('params.patterns.1');
  });

  it('answers null with nothing configured, and rejects params of the wrong shape', async () => {
    expect(await shield.run(conversation(['user', 'anything']), {})).toBeNull();
    const error = await shield.run(conversation(['user', 'x']), { terms: 'zorp' }).catch((e) => e);
    expect((error as StackError).field).toBe('params.terms');
    expect((error as StackError).message).toMatch(/banned-words/);
  });
});
