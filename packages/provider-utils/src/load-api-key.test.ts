import { StackError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { loadApiKey } from './load-api-key.js';
import { LoadApiKeyError } from './load-api-key-error.js';

describe('loadApiKey', () => {
  const base = { environmentVariableName: 'TOGETHER_API_KEY', description: 'Together' };

  it('prefers the option over the environment', () => {
    expect(
      loadApiKey({ ...base, apiKey: 'from-option', environment: { TOGETHER_API_KEY: 'from-env' } }),
    ).toBe('from-option');
  });

  it('falls back to the environment variable', () => {
    expect(loadApiKey({ ...base, apiKey: undefined, environment: { TOGETHER_API_KEY: 'from-env' } })).toBe(
      'from-env',
    );
  });

  it('reads process.env by default', () => {
    process.env.LLAMA_STACK_TS_TEST_KEY = 'from-process';
    try {
      expect(
        loadApiKey({
          apiKey: undefined,
          environmentVariableName: 'LLAMA_STACK_TS_TEST_KEY',
          description: 'Test',
        }),
      ).toBe('from-process');
    } finally {
      delete process.env.LLAMA_STACK_TS_TEST_KEY;
    }
  });

  it('names both the option and the variable when the key is missing or empty', () => {
    for (const environment of [{}, { TOGETHER_API_KEY: '' }]) {
      let error: unknown;
      try {
        loadApiKey({ ...base, apiKey: '', optionName: 'api_key', environment });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(LoadApiKeyError);
      expect(StackError.isInstance(error)).toBe(true);
      expect((error as LoadApiKeyError).isRetryable).toBe(false);
      expect((error as Error).message).toBe(
        "Together API key is missing. Pass it with the 'api_key' option or set the TOGETHER_API_KEY environment variable.",
      );
    }
  });
});
