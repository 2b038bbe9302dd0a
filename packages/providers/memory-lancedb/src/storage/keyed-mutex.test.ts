import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs tasks on one key one at a time, in order', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`${name}:start`);
      await sleep(ms);
      events.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([mutex.run('bank', task('a', 20)), mutex.run('bank', task('b', 1))]);
    expect(results).toEqual(['a', 'b']);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
    expect(mutex.busyKeys).toBe(0);
  });

  it('runs different keys side by side', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name}:start`);
      await sleep(10);
      events.push(`${name}:end`);
    };
    await Promise.all([mutex.run('one', task('a')), mutex.run('two', task('b'))]);
    expect(events.slice(0, 2).sort()).toEqual(['a:start', 'b:start']);
  });

  it('goes on with the next task after one fails', async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run('bank', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('bank', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
