import { request as httpRequest } from 'node:http';
import { modelsRoutes } from '@llama-stack-ts/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type StackServer, startStackServer } from '../src/start-stack-server.js';
import { captureLogger } from './capture-logger.js';
import { createFakeStack, type FakeStack, testRoutes } from './fake-stack.js';

const routes = [...modelsRoutes, ...testRoutes];
const servers: StackServer[] = [];

async function start(
  options: { authKey?: string; shutdownTimeoutMs?: number; bodyLimitBytes?: number } = {},
) {
  const stack = createFakeStack();
  const server = await startStackServer(stack, {
    port: 0,
    routes,
    logger: captureLogger().logger,
    ...options,
  });
  servers.push(server);
  return { stack, server };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function post(url: string, body: unknown, init: RequestInit = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

describe('startStackServer over a real socket', () => {
  it('serves JSON routes at the url it reports', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/models/list`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it('answers headers past the limit 431 with a JSON body saying why', async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/models/list`, { headers: { 'X-Big': 'x'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(await response.json()).toMatchObject({ error: { code: 'headers_too_large' } });
  });

  it('streams Server-Sent Events byte for byte', async () => {
    const { server } = await start();
    const response = await post(`${server.url}/test/echo`, { text: 'x', count: 2, stream: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe('data: {"index":0,"text":"x"}\n\ndata: {"index":1,"text":"x"}\n\n');
  });

  it("aborts the provider's signal when the client disconnects mid-stream", async () => {
    const { server, stack } = await start();
    const controller = new AbortController();
    const response = await post(`${server.url}/test/ticks`, {}, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await stack.record.aborted;
    expect(stack.record.signals[0]?.aborted).toBe(true);
    await expect.poll(() => stack.record.streamsClosed).toBe(1);
  });

  it("aborts a non-streamed operation's signal when the socket closes", async () => {
    const { server, stack } = await start();
    const controller = new AbortController();
    const pending = post(`${server.url}/test/slow`, { ms: 60_000 }, { signal: controller.signal }).catch(
      (e) => e,
    );
    await expect.poll(() => stack.record.signals.length).toBe(1);
    controller.abort();
    await stack.record.aborted;
    expect(stack.record.signals[0]?.aborted).toBe(true);
    await pending;
  });

  it('rejects a chunked body past the limit with 413', async () => {
    const { server } = await start({ bodyLimitBytes: 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${server.url}/test/echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(`{"text":"${'x'.repeat(800)}`);
      request.write(`${'y'.repeat(800)}"}`);
      request.end();
    });
    expect(status).toBe(413);
  });

  it('requires the bearer key over HTTP too', async () => {
    const { server } = await start({ authKey: 'k' });
    expect((await fetch(`${server.url}/models/list`)).status).toBe(401);
    expect(
      (await fetch(`${server.url}/models/list`, { headers: { Authorization: 'Bearer k' } })).status,
    ).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('close() waits for a request in flight, then disposes the stack once', async () => {
    const { server, stack } = await start();
    const inFlight = post(`${server.url}/test/slow`, { ms: 300 });
    await expect.poll(() => stack.record.requests.length).toBe(1);
    const closing = server.close();
    expect(server.close()).toBe(closing);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 300 });
    await closing;
    expect(stack.record.disposeCalls).toBe(1);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('close() cuts a request still running after shutdownTimeoutMs, aborting its provider', async () => {
    const { server, stack } = await start({ shutdownTimeoutMs: 100 });
    const inFlight = post(`${server.url}/test/slow`, { ms: 60_000 }).catch((error: unknown) => error);
    await expect.poll(() => stack.record.requests.length).toBe(1);
    const started = Date.now();
    await server.close();
    // The request asked for 60 s; closing well before that shows it was cut, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stack.record.signals[0]?.aborted).toBe(true);
    expect(stack.record.disposeCalls).toBe(1);
    expect(await inFlight).toBeInstanceOf(Error);
  });

  it('names the port when it is taken', async () => {
    const { server } = await start();
    const other: FakeStack = createFakeStack();
    await expect(
      startStackServer(other, { port: server.port, routes, logger: captureLogger().logger }),
    ).rejects.toThrow(`Port ${server.port} on 127.0.0.1 is already in use`);
  });
});
