import { InvalidRequestError, NotFoundError, OverloadedError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openAiErrorOf } from './openai-error.js';

describe('openAiErrorOf', () => {
  it('answers an unknown model 404 model_not_found on param model', () => {
    const { status, body, internal } = openAiErrorOf(new NotFoundError('model', 'nope'), 'req-1');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
    expect(internal).toBe(false);
  });

  it('names the field of a 400 and drops the generic code', () => {
    const { status, body } = openAiErrorOf(new InvalidRequestError('temperature', 'must be at most 2'), 'r');
    expect(status).toBe(400);
    expect(body.error).toEqual({
      message: 'temperature: must be at most 2',
      type: 'invalid_request_error',
      param: 'temperature',
      code: null,
    });
  });

  it('answers an overloaded provider 429 rate_limit_exceeded', () => {
    const { status, body } = openAiErrorOf(new OverloadedError('queue full'), 'r');
    expect(status).toBe(429);
    expect(body.error.code).toBe('rate_limit_exceeded');
  });

  it('turns a zod error into the 400 naming its path', () => {
    const parsed = z.object({ n: z.number() }).safeParse({ n: 'x' });
    const { status, body } = openAiErrorOf(parsed.error, 'r');
    expect(status).toBe(400);
    expect(body.error.param).toBe('n');
  });

  it('hides anything else behind a 500 that names only the request id', () => {
    const { status, body, internal } = openAiErrorOf(new Error('secret path /etc/x'), 'req-42');
    expect(status).toBe(500);
    expect(internal).toBe(true);
    expect(body.error.message).toContain('req-42');
    expect(body.error.message).not.toContain('/etc/x');
  });
});
