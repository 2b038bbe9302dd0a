import { modelsRoutes } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { createStackApp } from '../src/create-stack-app.js';
import { captureLogger } from './capture-logger.js';
import { createFakeStack, testRoutes } from './fake-stack.js';

function setup() {
  const stack = createFakeStack();
  const { logger, lines } = captureLogger();
  const app = createStackApp(stack, { routes: [...modelsRoutes, ...testRoutes], logger });
  return { app, stack, lines };
}

function streamRequest(body: unknown, requestId = 'req-sse'): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId },
    body: JSON.stringify(body),
  };
}

describe('streaming routes', () => {
  it('writes one JSON chunk per data: line, byte for byte', async () => {
    const { app } = setup();
    const response = await app.request(
      '/test/echo',
      streamRequest({ text: 'hi\nthere', count: 3, stream: true }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toBe('req-sse');
    expect(await response.text()).toBe(
      'data: {"index":0,"text":"hi\\nthere"}\n\n' +
        'data: {"index":1,"text":"hi\\nthere"}\n\n' +
        'data: {"index":2,"text":"hi\\nthere"}\n\n',
    );
  });

  it('answers JSON when an optional-stream route is called without stream: true', async () => {
    const { app } = setup();
    const response = await app.request('/test/echo', streamRequest({ text: 'hi', count: 2, stream: false }));
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ text: 'hihi' });
  });

  it('ends with event: error and the JSON error body when the provider fails mid-stream', async () => {
    const { app, stack, lines } = setup();
    const response = await app.request(
      '/test/echo',
      streamRequest({ text: 'a', count: 5, stream: true, fail_after: 2 }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      'data: {"index":0,"text":"a"}\n\n' +
        'data: {"index":1,"text":"a"}\n\n' +
        'event: error\n' +
        'data: {"error":{"code":"internal_error","message":"Internal server error. The server log has the details under request id req-sse.","request_id":"req-sse"}}\n\n',
    );
    expect(stack.record.streamsClosed).toBe(1);
    const failure = lines.find((line) => line.msg === 'request failed');
    expect(JSON.stringify(failure)).toContain('secret internal detail');
  });

  it("keeps a StackError's code in the error event", async () => {
    const { app } = setup();
    const response = await app.request(
      '/test/echo',
      streamRequest({ text: 'a', count: 3, stream: true, fail_after: 1, fail_with: 'overloaded' }),
    );
    expect(await response.text()).toBe(
      'data: {"index":0,"text":"a"}\n\n' +
        'event: error\n' +
        'data: {"error":{"code":"overloaded","message":"Model is overloaded","request_id":"req-sse"}}\n\n',
    );
  });

  it('answers a failure before the first chunk with its own status, not a 200 stream', async () => {
    const { app } = setup();
    const response = await app.request(
      '/test/echo',
      streamRequest({ text: 'a', count: 3, stream: true, fail_after: 0, fail_with: 'not_found' }),
    );
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found', request_id: 'req-sse' } });
  });

  it("aborts the provider's signal and closes its stream when the client disconnects", async () => {
    const { app, stack } = setup();
    const response = await app.request('/test/ticks', streamRequest({}));
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('"tick":1')) received += decoder.decode((await reader.read()).value);
    expect(received.startsWith('data: {"tick":0}\n\ndata: {"tick":1}\n\n')).toBe(true);

    await reader.cancel();
    await stack.record.aborted;
    expect(stack.record.signals[0]?.aborted).toBe(true);
    await expect.poll(() => stack.record.streamsClosed).toBe(1);
  });

  it("aborts a non-streamed operation's signal when the request is aborted", async () => {
    const { app, stack } = setup();
    const controller = new AbortController();
    const pending = app.request('/test/slow', {
      ...streamRequest({ ms: 60_000 }),
      signal: controller.signal,
    });
    await expect.poll(() => stack.record.signals.length).toBe(1);
    controller.abort(new Error('client went away'));
    expect(await stack.record.aborted).toEqual(new Error('client went away'));
    const response = await pending;
    expect(response.status).toBe(499);
  });
});
