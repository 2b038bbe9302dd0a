import { StackError } from '@llama-stack-ts/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyLimit } from './index.js';

function appWith(maxBytes: number) {
  const app = new Hono();
  app.use(bodyLimit({ maxBytes }));
  app.post('/', async (c) => c.text(`read ${(await c.req.text()).length}`));
  app.onError((error, c) =>
    StackError.isInstance(error)
      ? c.json({ code: error.code, message: error.message }, 413)
      : c.text('?', 500),
  );
  return app;
}

function chunkedBody(...parts: string[]): RequestInit {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
  return { method: 'POST', body, duplex: 'half' } as RequestInit;
}

describe('bodyLimit', () => {
  it('passes a body within the limit', async () => {
    const response = await appWith(10).request('/', { method: 'POST', body: '0123456789' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('read 10');
  });

  it('answers 413 from Content-Length alone, naming the limit', async () => {
    const response = await appWith(10).request('/', { method: 'POST', body: '0123456789x' });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('payload_too_large');
    expect(body.message).toContain('10 bytes');
  });

  it('counts a chunked body and hands it on when within the limit', async () => {
    const response = await appWith(10).request('/', chunkedBody('01234', '56789'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('read 10');
  });

  it('stops reading a chunked body past the limit', async () => {
    const response = await appWith(10).request('/', chunkedBody('01234', '56789', 'x'));
    expect(response.status).toBe(413);
  });

  it('lets requests without a body through', async () => {
    const app = new Hono();
    app.use(bodyLimit({ maxBytes: 0 }));
    app.get('/', (c) => c.text('ok'));
    expect((await app.request('/')).status).toBe(200);
  });
});
