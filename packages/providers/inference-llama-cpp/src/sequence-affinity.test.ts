import type { LlamaContextSequence } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { answeredAffinityKey, FreeSequences, messagesAffinityKey } from './sequence-affinity.js';

const sequence = (name: string) => ({ name }) as unknown as LlamaContextSequence;
const user = (content: string) => ({ role: 'user' as const, content });
const assistant = (content: string) => ({ role: 'assistant' as const, content });

describe('FreeSequences', () => {
  it('gives a judge the sequence that generated the answer it scores', () => {
    const free = new FreeSequences();
    const [a, b, c] = [sequence('a'), sequence('b'), sequence('c')];
    const asked = messagesAffinityKey([user('Tell a story.')]);
    free.give(a, answeredAffinityKey(messagesAffinityKey([user('Other.')]), 'Fine.'));
    free.give(b, answeredAffinityKey(asked, 'Once upon a time.'));
    free.give(c, undefined);
    const judge = messagesAffinityKey([
      user('Tell a story.'),
      assistant('Once upon a time.'),
      user('Rate it.'),
    ]);
    expect(free.take(judge)).toBe(b);
  });

  it('hands a request that continues nothing the sequence freed longest ago', () => {
    const free = new FreeSequences();
    const [a, b] = [sequence('a'), sequence('b')];
    free.give(a, answeredAffinityKey(messagesAffinityKey([user('First.')]), 'One.'));
    free.give(b, answeredAffinityKey(messagesAffinityKey([user('Second.')]), 'Two.'));
    // Sharing only the start of a turn ("\0user\0") is not a continuation.
    expect(free.take(messagesAffinityKey([user('Fresh.')]))).toBe(a);
    expect(free.take()).toBe(b);
    expect(free.take()).toBeUndefined();
  });

  it('counts a shared system prompt as a continuation', () => {
    const free = new FreeSequences();
    const [a, b] = [sequence('a'), sequence('b')];
    const system = { role: 'system' as const, content: 'You tell stories.' };
    free.give(a, undefined);
    free.give(b, answeredAffinityKey(messagesAffinityKey([system, user('One.')]), 'A story.'));
    expect(free.take(messagesAffinityKey([system, user('Two.')]))).toBe(b);
  });

  it('forgets what a taken sequence held: given back without a key, it continues nothing', () => {
    const free = new FreeSequences();
    const a = sequence('a');
    const key = answeredAffinityKey(messagesAffinityKey([user('Tell a story.')]), 'Once.');
    free.give(a, key);
    expect(free.take(key)).toBe(a);
    const b = sequence('b');
    free.give(b, undefined);
    free.give(a, undefined);
    expect(free.take(key)).toBe(b);
    expect(free.size).toBe(1);
  });
});
