import {
  ConflictError,
  DependencyUnavailableError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  StackError,
} from '@llama-stack-ts/core';
import { ApiCallError, InvalidResponseError } from '@llama-stack-ts/provider-utils';
import { createFixtureServer } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStackClient } from '../src/create-stack-client.js';
import { requestIdOf } from '../src/rebuild-stack-error.js';
import { echoRoutes } from './echo-routes.js';
import { type RouteTableServer, serveRouteTable } from './serve-route-table.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Set by the server-side implementations so tests can see that an abort reached them. */
const seen = { streamAborted: false, callAborted: false };

const echoService = {
  getThing: (request: Record<string, unknown>) => ({ request }),
  insertThings: (request: Record<string, unknown>) => ({ request }),
  createThing: () => null,
  dropThing: (request: Record<string, unknown>) => request.identifier,
  chat: async (request: Record<string, unknown>, { signal }: { signal: AbortSignal }) => {
    if (request.prompt === 'wait') {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      seen.callAborted = true;
    }
    return { text: `echo: ${request.prompt}`, temperature: request.temperature };
  },
  streamChat: async function* (request: Record<string, unknown>, { signal }: { signal: AbortSignal }) {
    if (request.model === 'missing') throw new NotFoundError('model', 'missing');
    const words = String(request.prompt).split(' ');
    for (const [index, delta] of words.entries()) {
      if (delta === 'explode') throw new OverloadedError('The queue filled up mid-stream.');
      yield { index, delta };
    }
    if (request.prompt === 'forever') {
      for (let index = 1; ; index++) {
        await sleep(20);
        if (signal.aborted) {
          seen.streamAborted = true;
          return;
        }
        yield { index, delta: '.' };
      }
    }
  },
  tailLogs: async function* (request: Record<string, unknown>) {
    yield { line: `job ${request.job_uuid} started` };
    yield { line: 'done' };
  },
  fail: (request: Record<string, unknown>) => {
    switch (request.kind) {
      case 'conflict':
        throw new ConflictError('Thing t1 already exists.', { field: 'identifier' });
      case 'overloaded':
        throw new OverloadedError();
      case 'dependency':
        throw new DependencyUnavailableError(
          'remote::tgi',
          'http://tgi:8080',
          new Error('connect ECONNREFUSED'),
        );
      case 'bad-response':
        return { ok: 'yes' };
      default:
        throw new Error('a bug with a secret stack trace');
    }
  },
};

let server: RouteTableServer;
beforeAll(async () => {
  server = await serveRouteTable(echoRoutes, { echo_service: echoService });
});
afterAll(() => server.close());

const clientFor = (options: { apiKey?: string; headers?: Record<string, string> } = {}) =>
  createStackClient({ baseUrl: `${server.url}/`, routes: echoRoutes, ...options });

describe('createStackClient: request shape', () => {
  it('puts the query schema keys in the query string, typed values as the server coerces them', async () => {
    const client = clientFor();
    const before = server.received.length;
    const { request } = await client.echoService.getThing({
      identifier: 'a b&c',
      limit: 3,
      tags: ['x', 'y'],
      verbose: true,
    });
    expect(request).toEqual({ identifier: 'a b&c', limit: 3, tags: ['x', 'y'], verbose: true });
    expect(server.received[before]).toMatchObject({
      method: 'GET',
      path: '/echo/get',
      query: { identifier: ['a b&c'], limit: ['3'], tags: ['x', 'y'], verbose: ['true'] },
      bodyText: '',
    });
  });

  it('sends the bodyField alone as a bare JSON body, the rest as query parameters', async () => {
    const client = clientFor();
    const before = server.received.length;
    const documents = [{ id: 'd1', text: 'hello' }];
    const { request } = await client.echoService.insertThings({ bank_id: 'b1', documents });
    expect(request).toEqual({ bank_id: 'b1', documents });
    expect(server.received[before]?.query).toEqual({ bank_id: ['b1'] });
    expect(JSON.parse(server.received[before]?.bodyText ?? '')).toEqual(documents);
    expect(server.received[before]?.headers['content-type']).toBe('application/json');
  });

  it('sends no body when an optional bodyField is left out, and reads a null answer', async () => {
    const client = clientFor();
    const before = server.received.length;
    expect(await client.echoService.createThing({ name: 'n' })).toBeNull();
    expect(server.received[before]?.bodyText).toBe('');
  });

  it('calls DELETE routes with query parameters', async () => {
    expect(await clientFor().echoService.dropThing({ identifier: 'thing-1' })).toBe('thing-1');
    expect(server.received.at(-1)?.method).toBe('DELETE');
  });

  it('sends stream: false for the JSON method of an optional-stream route; server defaults apply', async () => {
    const before = server.received.length;
    const response = await clientFor().echoService.chat({ model: 'm', prompt: 'hi' });
    expect(response).toEqual({ text: 'echo: hi', temperature: 0.5 });
    expect(JSON.parse(server.received[before]?.bodyText ?? '')).toEqual({
      model: 'm',
      prompt: 'hi',
      stream: false,
    });
  });

  it('sends the api key as a bearer token and merges client and call headers', async () => {
    const client = clientFor({ apiKey: 'secret-key', headers: { 'x-team': 'a', 'x-trace': 'client' } });
    await client.echoService.dropThing({ identifier: 'x' }, { headers: { 'x-trace': 'call' } });
    expect(server.received.at(-1)?.headers).toMatchObject({
      authorization: 'Bearer secret-key',
      'x-team': 'a',
      'x-trace': 'call',
    });
  });

  it('calls through an injected fetch', async () => {
    const urls: string[] = [];
    const client = createStackClient({
      baseUrl: server.url,
      routes: echoRoutes,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    await client.echoService.dropThing({ identifier: 'x' });
    expect(urls).toEqual([`${server.url}/echo/drop?identifier=x`]);
  });
});

describe('createStackClient: streaming', () => {
  it('streams validated chunks and sends stream: true', async () => {
    const before = server.received.length;
    const chunks = [];
    for await (const chunk of clientFor().echoService.streamChat({ model: 'm', prompt: 'one two three' }))
      chunks.push(chunk);
    expect(chunks).toEqual([
      { index: 0, delta: 'one' },
      { index: 1, delta: 'two' },
      { index: 2, delta: 'three' },
    ]);
    expect(JSON.parse(server.received[before]?.bodyText ?? '').stream).toBe(true);
    expect(server.received[before]?.headers.accept).toBe('text/event-stream');
  });

  it('streams routes that always stream, and offers no JSON method for them', async () => {
    const client = clientFor();
    const lines = [];
    for await (const chunk of client.echoService.tailLogs({ job_uuid: 'j1' })) lines.push(chunk.line);
    expect(lines).toEqual(['job j1 started', 'done']);
    expect(Object.keys(client.echoService).sort()).toEqual(
      [
        'chat',
        'createThing',
        'dropThing',
        'fail',
        'getThing',
        'insertThings',
        'streamChat',
        'tailLogs',
      ].sort(),
    );
  });

  it('throws a failure before the first chunk as the StackError with its status', async () => {
    const iterator = clientFor()
      .echoService.streamChat({ model: 'missing', prompt: 'x' })
      [Symbol.asyncIterator]();
    const error = await iterator.next().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe("Unknown model 'missing'.");
  });

  it('throws an event: error frame mid-stream as the StackError the server raised', async () => {
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const chunk of clientFor().echoService.streamChat({ model: 'm', prompt: 'a b explode c' })) {
        deltas.push(chunk.delta);
      }
    })().catch((caught: unknown) => caught);
    expect(deltas).toEqual(['a', 'b']);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as OverloadedError).message).toBe('The queue filled up mid-stream.');
    expect((error as OverloadedError).status).toBe(429);
    expect(requestIdOf(error)).toMatch(/^req-\d+$/);
  });

  it('aborts a stream mid-way: the loop rejects with AbortError and the server sees the disconnect', async () => {
    seen.streamAborted = false;
    const controller = new AbortController();
    const received: number[] = [];
    const error = await (async () => {
      for await (const chunk of clientFor().echoService.streamChat(
        { model: 'm', prompt: 'forever' },
        { signal: controller.signal },
      )) {
        received.push(chunk.index);
        if (received.length === 3) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(received).toHaveLength(3);
    await expect.poll(() => seen.streamAborted).toBe(true);
  });

  it('aborts a JSON call that is waiting on the server', async () => {
    seen.callAborted = false;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      clientFor().echoService.chat({ model: 'm', prompt: 'wait' }, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => seen.callAborted).toBe(true);
  });
});

describe('createStackClient: errors', () => {
  it('rebuilds a 400 as InvalidRequestError naming the field, with the request id and the call details', async () => {
    const error = await clientFor()
      .echoService.chat({ model: '', prompt: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    const invalid = error as InvalidRequestError;
    expect(invalid.status).toBe(400);
    expect(invalid.field).toBe('model');
    expect(invalid.message).toMatch(/^model: /);
    expect(requestIdOf(invalid)).toMatch(/^req-\d+$/);
    expect(invalid.cause).toBeInstanceOf(ApiCallError);
    expect((invalid.cause as ApiCallError).url).toBe(`${server.url}/echo/chat`);
  });

  it('rebuilds 409, 429 and 503 as their classes; an unknown failure stays a 500 StackError', async () => {
    const client = clientFor();
    const failure = (kind: string): Promise<StackError> =>
      client.echoService.fail({ kind }).then(
        () => {
          throw new Error(`fail(${kind}) resolved`);
        },
        (caught: unknown) => caught as StackError,
      );

    const conflict = await failure('conflict');
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict.field).toBe('identifier');

    const overloaded = await failure('overloaded');
    expect(overloaded).toBeInstanceOf(OverloadedError);
    expect(overloaded.isRetryable).toBe(true);

    const unavailable = (await failure('dependency')) as DependencyUnavailableError;
    expect(unavailable).toBeInstanceOf(DependencyUnavailableError);
    expect([unavailable.status, unavailable.provider, unavailable.url]).toEqual([
      503,
      'remote::tgi',
      'http://tgi:8080',
    ]);
    expect(unavailable.message).toContain('connect ECONNREFUSED');

    const internal = await failure('bug');
    expect(internal.constructor).toBe(StackError);
    expect([internal.status, internal.code, internal.message]).toEqual([
      500,
      'internal_error',
      'Internal server error.',
    ]);
  });

  it('rejects a 2xx answer that does not match the response schema', async () => {
    const error = await clientFor()
      .echoService.fail({ kind: 'bad-response' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).path).toBe('ok');
  });

  it('reports an error answer that is not the server JSON (a proxy page) as an ApiCallError', async () => {
    await using proxy = await createFixtureServer({
      '/echo/fail': { status: 502, text: '<html>Bad Gateway</html>' },
    });
    const client = createStackClient({ baseUrl: proxy.url, routes: echoRoutes });
    const error = await client.echoService.fail({ kind: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).status).toBe(502);
    expect((error as ApiCallError).message).toContain('<html>Bad Gateway</html>');
  });

  it('reports a server that is not running as DependencyUnavailableError', async () => {
    const stopped = await createFixtureServer({});
    await stopped.close();
    const error = await createStackClient({ baseUrl: stopped.url, routes: echoRoutes })
      .echoService.dropThing({ identifier: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).url).toBe(`${stopped.url}/echo/drop?identifier=x`);
  });

  it('refuses a route table where two routes give one API the same method name', () => {
    const [first] = echoRoutes;
    expect(() =>
      createStackClient({ baseUrl: server.url, routes: [first, { ...first, path: '/other' }] }),
    ).toThrow("Two routes define 'echoService.getThing'; the second is GET /other.");
  });
});
