import { describe, expect, it } from 'vitest';
import { mapLlamaCppStopReason } from './map-llama-cpp-stop-reason.js';

describe('mapLlamaCppStopReason', () => {
  it.each([
    ['eogToken', 'finished_ok'],
    ['stopGenerationTrigger', 'finished_ok'],
    ['customStopTrigger', 'finished_ok'],
    ['functionCalls', 'finished_ok'],
    ['maxTokens', 'max_tokens'],
    ['abort', 'not_stopped'],
  ] as const)('%s -> %s', (reason, expected) => {
    expect(mapLlamaCppStopReason(reason)).toBe(expected);
  });
});
