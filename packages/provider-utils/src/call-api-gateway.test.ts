import { setTimeout as delay } from 'node:timers/promises';
import { UpstreamError, UpstreamTimeoutError } from '@llama-stack-ts/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiCallError } from './api-call-error.js';
import { postJsonToApi } from './post-to-api.js';
import {
  createEventSourceResponseHandler,
  createJsonErrorResponseHandler,
  createJsonResponseHandler,
} from './response-handler.js';
import { createFixtureServer, type FixtureServer } from './test/index.js';

const failedResponseHandler = createJsonErrorResponseHandler({
  errorSchema: z.object({ error: z.object({ message: z.string() }) }),
  errorToMessage: (body) => body.error.message,
});
const gateway = {
  provider: 'remote::openai (upstream)',
  gateway: true,
  failedResponseHandler,
  successfulResponseHandler: createJsonResponseHandler(z.object({ ok: z.boolean() })),
};

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('callApi as a gateway', () => {
  it('retries a 429 after its Retry-After, then returns the answer', async () => {
    let calls = 0;
    server = await createFixtureServer({
      'POST /v1/x': () => {
        calls += 1;
        return calls === 1
          ? { status: 429, headers: { 'retry-after': '0.3' }, json: { error: { message: 'slow down' } } }
          : { json: { ok: true } };
      },
    });
    const started = Date.now();
    const { value } = await postJsonToApi({ ...gateway, url: `${server.url}/v1/x`, body: {}, retry: {} });
    expect(value).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('passes a 429 on with its status, message and Retry-After once the retries are spent', async () => {
    server = await createFixtureServer({
      'POST /v1/x': { status: 429, headers: { 'retry-after': '0' }, json: { error: { message: 'quota' } } },
    });
    const error = await postJsonToApi({
      ...gateway,
      url: `${server.url}/v1/x`,
      body: {},
      retry: { maxRetries: 2 },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).status).toBe(429);
    expect((error as ApiCallError).message).toMatch(/quota/);
    expect((error as ApiCallError).retryAfterSeconds).toBe(0);
    expect(server.requests).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than maxDelayMs: the 429 goes on at once', async () => {
    server = await createFixtureServer({
      'POST /v1/x': { status: 429, headers: { 'retry-after': '120' }, json: { error: { message: 'later' } } },
    });
    const error = await postJsonToApi({ ...gateway, url: `${server.url}/v1/x`, body: {}, retry: {} }).catch(
      (caught: unknown) => caught,
    );
    expect((error as ApiCallError).status).toBe(429);
    expect((error as ApiCallError).retryAfterSeconds).toBe(120);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps an upstream 4xx as it is and turns a 5xx into a 502 naming the upstream', async () => {
    server = await createFixtureServer({
      'POST /v1/bad': { status: 400, json: { error: { message: "'temperature' must be at most 2" } } },
      'POST /v1/broken': { status: 500, json: { error: { message: 'out of memory' } } },
    });
    const bad = await postJsonToApi({ ...gateway, url: `${server.url}/v1/bad`, body: {} }).catch(
      (caught: unknown) => caught,
    );
    expect((bad as ApiCallError).status).toBe(400);
    expect((bad as ApiCallError).message).toMatch(/'temperature' must be at most 2/);
    const broken = await postJsonToApi({ ...gateway, url: `${server.url}/v1/broken`, body: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(broken).toBeInstanceOf(UpstreamError);
    expect((broken as UpstreamError).status).toBe(502);
    expect((broken as Error).message).toMatch(
      /^The upstream remote::openai \(upstream\) failed: .*out of memory/,
    );
  });

  it('turns an unreachable upstream into a 502 naming it', async () => {
    const closed = await createFixtureServer({});
    await closed.close();
    const error = await postJsonToApi({ ...gateway, url: `${closed.url}/v1/x`, body: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/remote::openai \(upstream\).*ECONNREFUSED/);
  });

  it('fails with a 504 when the upstream does not answer within the connect timeout', async () => {
    server = await createFixtureServer({ 'POST /v1/x': { hang: true } });
    const started = Date.now();
    const error = await postJsonToApi({
      ...gateway,
      url: `${server.url}/v1/x`,
      body: {},
      connectTimeoutMs: 300,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect((error as UpstreamTimeoutError).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(5_000);
    await delay(50);
    expect(server.requests[0]?.disconnected).toBe(true);
  });

  it('fails a stream that stalls past the read timeout with a 504 and closes the connection', async () => {
    server = await createFixtureServer({
      'POST /v1/stream': { chunks: [{ n: 1 }, { n: 2 }], chunkDelayMs: 800 },
    });
    const { value } = await postJsonToApi({
      ...gateway,
      url: `${server.url}/v1/stream`,
      body: {},
      readTimeoutMs: 300,
      successfulResponseHandler: createEventSourceResponseHandler(z.object({ n: z.number() })),
    });
    const error = await (async () => {
      for await (const _chunk of value) {
        // Reading: the first chunk is already late.
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect((error as Error).message).toMatch(/sent nothing more within 300 ms/);
    await delay(50);
    expect(server.requests[0]?.disconnected).toBe(true);
  });

  it('times each wait for the next chunk, not the whole stream', async () => {
    const chunks = Array.from({ length: 12 }, (_, n) => ({ n }));
    server = await createFixtureServer({ 'POST /v1/stream': { chunks, chunkDelayMs: 100 } });
    const { value } = await postJsonToApi({
      ...gateway,
      url: `${server.url}/v1/stream`,
      body: {},
      readTimeoutMs: 600,
      successfulResponseHandler: createEventSourceResponseHandler(z.object({ n: z.number() })),
    });
    const received: unknown[] = [];
    for await (const chunk of value) received.push(chunk);
    expect(received).toEqual(chunks);
  });

  it('never sends a stream again: a 2xx stream that fails midway is not retried', async () => {
    server = await createFixtureServer({
      'POST /v1/stream': { chunks: [{ n: 1 }, 'not json'] },
    });
    const { value } = await postJsonToApi({
      ...gateway,
      url: `${server.url}/v1/stream`,
      body: {},
      retry: { statuses: [429, 500, 502, 503] },
      successfulResponseHandler: createEventSourceResponseHandler(z.object({ n: z.number() })),
    });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const chunk of value) seen.push(chunk.n);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([1]);
    expect((error as { status: number }).status).toBe(502);
    expect(server.requests).toHaveLength(1);
  });
});
