import { describe, expect, it } from 'vitest';
import { createFixtureServer } from './fixture-server.js';

describe('createFixtureServer', () => {
  it('listens on 127.0.0.1 and replays a recorded JSON body byte for byte', async () => {
    const jsonFile = new URL('../__fixtures__/chat-completion.json', import.meta.url);
    await using server = await createFixtureServer({ 'POST /v1/chat/completions': { jsonFile } });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/v1/chat/completions?x=1`, {
      method: 'POST',
      body: '{"a":1}',
    });
    const { readFile } = await import('node:fs/promises');
    expect(await response.text()).toBe(await readFile(jsonFile, 'utf8'));
    expect(server.requests).toMatchObject([{ method: 'POST', path: '/v1/chat/completions', body: { a: 1 } }]);
    expect(server.requests[0]?.query.get('x')).toBe('1');
  });

  it('frames a .chunks.txt file as one data: event per line, with [DONE] when asked', async () => {
    const chunksFile = new URL('../__fixtures__/chat-completion.chunks.txt', import.meta.url);
    await using server = await createFixtureServer({ '/stream': { chunksFile, done: true } });
    const response = await fetch(`${server.url}/stream`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(5);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(frames[1]!.slice('data: '.length)).choices[0].delta.content).toBe('Hello');
  });

  it('answers from a function of the request, and 404 naming the known routes otherwise', async () => {
    await using server = await createFixtureServer({
      'POST /echo': (request) => ({ status: 201, json: { got: request.body } }),
    });
    const echoed = await fetch(`${server.url}/echo`, { method: 'POST', body: '{"n":1}' });
    expect(echoed.status).toBe(201);
    expect(await echoed.json()).toEqual({ got: { n: 1 } });
    const missing = await fetch(`${server.url}/echo`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'No fixture for GET /echo; the server knows: POST /echo' });
  });

  it('closes idempotently and refuses connections afterwards', async () => {
    const server = await createFixtureServer({ '/hang': { hang: true } });
    const pending = fetch(`${server.url}/hang`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await Promise.all([server.close(), server.close()]);
    expect(await pending).toBeInstanceOf(TypeError);
    await expect(fetch(`${server.url}/hang`)).rejects.toThrow('fetch failed');
  });
});
