import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestId } from './index.js';

function appWith(options?: Parameters<typeof requestId>[0]) {
  const app = new Hono();
  app.use(requestId(options));
  app.get('/', (c) => c.text(c.get('requestId')));
  return app;
}

describe('requestId', () => {
  it('makes a UUID when the client sends none, in the header and the context', async () => {
    const response = await appWith().request('/');
    const id = response.headers.get('X-Request-Id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await response.text()).toBe(id);
  });

  it('echoes a sane client id', async () => {
    const response = await appWith().request('/', { headers: { 'X-Request-Id': 'trace-42.a:b' } });
    expect(response.headers.get('X-Request-Id')).toBe('trace-42.a:b');
    expect(await response.text()).toBe('trace-42.a:b');
  });

  it.each([
    ['spaces and quotes', 'a b"c'],
    ['a log-injection attempt', 'x\tlevel=fatal'],
    ['an overlong id', 'a'.repeat(129)],
  ])('replaces %s', async (_, sent) => {
    const response = await appWith({ generator: () => 'fresh' }).request('/', {
      headers: { 'X-Request-Id': sent },
    });
    expect(response.headers.get('X-Request-Id')).toBe('fresh');
  });

  it('honours a custom header name', async () => {
    const response = await appWith({ headerName: 'X-Trace' }).request('/', { headers: { 'X-Trace': 'abc' } });
    expect(response.headers.get('X-Trace')).toBe('abc');
    expect(response.headers.get('X-Request-Id')).toBeNull();
  });
});
