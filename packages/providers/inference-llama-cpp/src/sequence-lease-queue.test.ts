import { OverloadedError, StackError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { SequenceLeaseQueue } from './sequence-lease-queue.js';

describe('SequenceLeaseQueue', () => {
  it('grants up to `slots` leases at once, then serves waiters in order', async () => {
    const queue = new SequenceLeaseQueue({ slots: 2, maxWaiting: 5, name: 'm' });
    const first = await queue.acquire();
    await queue.acquire();
    expect(queue.held).toBe(2);

    const order: string[] = [];
    const third = queue.acquire().then((release) => {
      order.push('third');
      return release;
    });
    const fourth = queue.acquire().then((release) => {
      order.push('fourth');
      return release;
    });
    expect(queue.waiting).toBe(2);

    first();
    first(); // idempotent: a second call frees nothing more
    (await third)();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    expect(queue.held).toBe(2);
    expect(queue.waiting).toBe(0);
  });

  it('answers OverloadedError (429) once the line is full', async () => {
    const queue = new SequenceLeaseQueue({ slots: 1, maxWaiting: 1, name: 'tiny' });
    await queue.acquire();
    void queue.acquire();
    const error = await queue.acquire().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(StackError.isInstance(error) && error.status).toBe(429);
    expect((error as Error).message).toMatch(/^Model is overloaded: 'tiny'/);
  });

  it('drops a waiter whose signal aborts, with the abort reason', async () => {
    const queue = new SequenceLeaseQueue({ slots: 1, maxWaiting: 1, name: 'm' });
    const release = await queue.acquire();
    const controller = new AbortController();
    const waiting = queue.acquire(controller.signal);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(queue.waiting).toBe(0);
    // The aborted waiter does not take the slot when it frees.
    release();
    expect(queue.held).toBe(0);
  });

  it('rejects an already aborted signal without taking a slot', async () => {
    const queue = new SequenceLeaseQueue({ slots: 1, maxWaiting: 0, name: 'm' });
    await expect(queue.acquire(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(queue.held).toBe(0);
  });

  it('calls onIdle when the last lease is released', async () => {
    const queue = new SequenceLeaseQueue({ slots: 2, maxWaiting: 0, name: 'm' });
    let idle = 0;
    queue.onIdle = () => idle++;
    const a = await queue.acquire();
    const b = await queue.acquire();
    a();
    expect(idle).toBe(0);
    b();
    expect(idle).toBe(1);
  });

  it('rejects waiters and later callers after close()', async () => {
    const queue = new SequenceLeaseQueue({ slots: 1, maxWaiting: 3, name: 'm' });
    await queue.acquire();
    const waiting = queue.acquire();
    queue.close(new Error('disposed'));
    await expect(waiting).rejects.toThrow('disposed');
    await expect(queue.acquire()).rejects.toThrow('disposed');
  });
});
