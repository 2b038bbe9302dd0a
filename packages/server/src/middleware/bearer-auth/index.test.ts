import { StackError } from '@llama-stack-ts/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bearerAuth } from './index.js';

function appWith(token: string) {
  const app = new Hono();
  app.get('/health', (c) => c.text('open'));
  app.use(bearerAuth({ token }));
  app.get('/secret', (c) => c.text('inside'));
  app.onError((error, c) =>
    StackError.isInstance(error)
      ? c.json({ code: error.code, message: error.message }, 401)
      : c.text('?', 500),
  );
  return app;
}

describe('bearerAuth', () => {
  const app = appWith('s3cret');

  it('lets the right token through', async () => {
    const response = await app.request('/secret', { headers: { Authorization: 'Bearer s3cret' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('inside');
  });

  it('accepts the scheme in any case', async () => {
    const response = await app.request('/secret', { headers: { Authorization: 'bearer s3cret' } });
    expect(response.status).toBe(200);
  });

  it('answers 401 with WWW-Authenticate when the header is missing, saying what to send', async () => {
    const response = await app.request('/secret');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('Bearer'),
    });
  });

  it.each([['Bearer wrong'], ['Bearer s3cret2'], ['Basic s3cret'], ['Bearer'], ['s3cret']])(
    'answers 401 to %j',
    async (authorization) => {
      const response = await app.request('/secret', { headers: { Authorization: authorization } });
      expect(response.status).toBe(401);
    },
  );

  it('leaves routes registered before it open', async () => {
    expect((await app.request('/health')).status).toBe(200);
  });

  it('refuses an empty token at construction', () => {
    expect(() => bearerAuth({ token: '' })).toThrow(/non-empty/);
  });
});
