import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('redis://user:secret@cache:6380/2')).toBe('redis://user:***@cache:6380/2');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('gives the fallback for text that is not a URL', () => {
    expect(redactUrl('not a url', 'the Redis URL')).toBe('the Redis URL');
  });
});
