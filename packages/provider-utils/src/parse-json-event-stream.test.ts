import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiCallError } from './api-call-error.js';
import { InvalidResponseError } from './invalid-response-error.js';
import { parseJsonEventStream } from './parse-json-event-stream.js';
import { createFixtureServer } from './test/index.js';

const Chunk = z.object({ n: z.number() });

/** A byte stream cut at the given sizes, to prove frames split across network reads are reassembled. */
function streamOf(text: string, pieceSizes: number[] = [text.length]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      let offset = 0;
      let index = 0;
      while (offset < bytes.length) {
        const size = pieceSizes[index++ % pieceSizes.length] ?? bytes.length;
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      }
      controller.close();
    },
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('parseJsonEventStream', () => {
  it('reassembles frames split across reads, multi-byte characters included', async () => {
    const Text = z.object({ text: z.string() });
    const body = 'data: {"text":"héllo"}\n\n: comment\n\ndata: {"text":"wörld ✓"}\r\n\r\ndata: [DONE]\n\n';
    const chunks = await collect(parseJsonEventStream({ stream: streamOf(body, [1, 3, 7]), schema: Text }));
    expect(chunks).toEqual([{ text: 'héllo' }, { text: 'wörld ✓' }]);
  });

  it('applies the schema: defaults are filled and a bad chunk throws naming its path', async () => {
    const WithDefault = z.object({ n: z.number(), done: z.boolean().default(false) });
    expect(
      await collect(parseJsonEventStream({ stream: streamOf('data: {"n":1}\n\n'), schema: WithDefault })),
    ).toEqual([{ n: 1, done: false }]);

    const received: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of parseJsonEventStream({
        stream: streamOf('data: {"n":1}\n\ndata: {"n":"two"}\n\n'),
        schema: Chunk,
        url: 'http://remote/x',
      }))
        received.push(chunk);
    })().catch((caught: unknown) => caught);
    expect(received).toEqual([{ n: 1 }]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).path).toBe('n');
    expect((error as Error).message).toContain('http://remote/x');
  });

  it('throws on a data line that is not JSON', async () => {
    await expect(
      collect(parseJsonEventStream({ stream: streamOf('data: oops\n\n'), schema: Chunk })),
    ).rejects.toThrow(/not valid JSON: "oops"/);
  });

  it('throws on an error event, through onErrorEvent when given', async () => {
    const body = 'data: {"n":1}\n\nevent: error\ndata: {"error":{"message":"model crashed"}}\n\n';
    await expect(
      collect(parseJsonEventStream({ stream: streamOf(body), schema: Chunk })),
    ).rejects.toBeInstanceOf(ApiCallError);
    await expect(
      collect(
        parseJsonEventStream({
          stream: streamOf(body),
          schema: Chunk,
          onErrorEvent: (event) => new Error(`remote said ${JSON.parse(event.data).error.message}`),
        }),
      ),
    ).rejects.toThrow('remote said model crashed');
  });

  it('stops with the abort reason mid-stream and closes the connection', async () => {
    await using server = await createFixtureServer({
      '/stream': { chunks: Array.from({ length: 50 }, (_, n) => ({ n })), chunkDelayMs: 20 },
    });
    const controller = new AbortController();
    // No signal on fetch itself: the parser alone must cancel the body.
    const response = await fetch(`${server.url}/stream`);
    const received: number[] = [];
    const error = await (async () => {
      for await (const chunk of parseJsonEventStream({
        stream: response.body!,
        schema: Chunk,
        signal: controller.signal,
      })) {
        received.push(chunk.n);
        if (chunk.n === 2) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(received).toEqual([0, 1, 2]);
    await expect.poll(() => server.requests[0]?.disconnected).toBe(true);
  });

  it('settles a read that is waiting on a stream that sends nothing more when the signal fires', async () => {
    const silent = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: {"n":1}\n\n'));
      },
    });
    const controller = new AbortController();
    const received: unknown[] = [];
    setTimeout(() => controller.abort(), 50);
    await expect(
      (async () => {
        for await (const chunk of parseJsonEventStream({
          stream: silent,
          schema: Chunk,
          signal: controller.signal,
        }))
          received.push(chunk);
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(received).toEqual([{ n: 1 }]);
  });

  it('closes the connection when the consumer leaves the loop early', async () => {
    await using server = await createFixtureServer({
      '/stream': { chunks: Array.from({ length: 50 }, (_, n) => ({ n })), chunkDelayMs: 20 },
    });
    const response = await fetch(`${server.url}/stream`);
    for await (const chunk of parseJsonEventStream({ stream: response.body!, schema: Chunk })) {
      if (chunk.n === 1) break;
    }
    await expect.poll(() => server.requests[0]?.disconnected).toBe(true);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const iterator = parseJsonEventStream({
      stream: streamOf('data: {"n":1}\n\n'),
      schema: Chunk,
      signal: AbortSignal.abort(),
    });
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
