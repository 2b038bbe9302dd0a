import { describe, expect, it } from 'vitest';
import { shareConcurrentGets } from './share-concurrent-gets.js';
import { createFixtureServer } from './test/index.js';

/** A promise the test settles, to hold the fixture's answer until every caller has asked. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('shareConcurrentGets', () => {
  it('answers concurrent GETs of one URL and headers with one request, each caller its own copy', async () => {
    const held = gate();
    await using server = await createFixtureServer({
      'GET /health': async () => {
        await held.opened;
        return { status: 503, json: { status: 'degraded' } };
      },
      'POST /health': { json: { posted: true } },
    });
    const fetch = shareConcurrentGets();
    const url = `${server.url}/health`;
    const calls = [fetch(url), fetch(url), fetch(url, { headers: { authorization: 'Bearer other' } })];
    await expect.poll(() => server.requests.length).toBe(2);
    held.open();
    const answers = await Promise.all(calls);
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503]);
    for (const answer of answers) expect(await answer.json()).toEqual({ status: 'degraded' });
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      undefined,
      'Bearer other',
    ]);

    // Settled: the next GET asks again; other methods are never shared.
    await Promise.all([fetch(url), fetch(url, { method: 'POST' }), fetch(url, { method: 'POST' })]);
    expect(server.requests.map((request) => request.method)).toEqual(['GET', 'GET', 'GET', 'POST', 'POST']);
  });

  it("rejects an aborted caller's call only, and cancels the request once no caller waits", async () => {
    await using server = await createFixtureServer({ 'GET /slow': { hang: true } });
    const fetch = shareConcurrentGets();
    const url = `${server.url}/slow`;
    const first = new AbortController();
    const second = new AbortController();
    const calls = [fetch(url, { signal: first.signal }), fetch(url, { signal: second.signal })];
    await expect.poll(() => server.requests.length).toBe(1);

    first.abort(new Error('first left'));
    await expect(calls[0]).rejects.toThrow('first left');
    expect(server.requests[0]?.disconnected).toBe(false);

    second.abort(new Error('second left'));
    await expect(calls[1]).rejects.toThrow('second left');
    await expect.poll(() => server.requests[0]?.disconnected).toBe(true);
    await expect(fetch(url, { signal: AbortSignal.abort(new Error('never asked')) })).rejects.toThrow(
      'never asked',
    );
    expect(server.requests).toHaveLength(1);
  });
});
