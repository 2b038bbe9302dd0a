import { describe, expect, it } from 'vitest';
import { AsyncChunkQueue } from './async-chunk-queue.js';

describe('AsyncChunkQueue', () => {
  it('yields pushed items in order, before and after the consumer waits', async () => {
    const queue = new AsyncChunkQueue<number>();
    queue.push(1);
    setTimeout(() => {
      queue.push(2);
      queue.end();
    }, 5);
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });

  it('delivers queued items, then the failure', async () => {
    const queue = new AsyncChunkQueue<string>();
    queue.push('a');
    queue.fail(new Error('model crashed'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
    ).rejects.toThrow('model crashed');
    expect(seen).toEqual(['a']);
  });

  it('hands items pushed while the consumer waits over in order, then the failure', async () => {
    const queue = new AsyncChunkQueue<number>();
    setTimeout(() => {
      queue.push(1);
      queue.push(2);
      setTimeout(() => {
        queue.push(3);
        queue.fail(new Error('model crashed'));
      }, 5);
    }, 5);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
    ).rejects.toThrow('model crashed');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('aborts its signal when the consumer stops early, not when it reads to the end', async () => {
    const early = new AsyncChunkQueue<number>();
    early.push(1);
    early.push(2);
    for await (const _ of early) break;
    expect(early.signal.aborted).toBe(true);

    const full = new AsyncChunkQueue<number>();
    full.push(1);
    full.end();
    for await (const _ of full) {
      // read everything
    }
    expect(full.signal.aborted).toBe(false);
  });
});
