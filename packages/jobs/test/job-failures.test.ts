import { NotFoundError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { JobEngine } from '../src/index.js';
import { createTestPrefix, testRedisUrl } from '../src/test/index.js';

describe('failures and retries', () => {
  it('retries a transient failure with backoff and keeps the result of the try that worked', async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix, backoffDelayMs: 50 });
    const tries: number[] = [];
    const queue = engine.queue<null, string>({
      name: 'flaky',
      async process(job) {
        tries.push(job.attempt);
        if (job.attempt < 3) throw new Error(`connection reset on try ${job.attempt}`);
        return `worked on try ${job.attempt}`;
      },
    });
    engine.startWorkers();
    await queue.add(null, { jobId: 'flaky-1' });
    await expect.poll(async () => (await queue.get('flaky-1'))?.status).toBe('completed');
    expect(await queue.get('flaky-1')).toMatchObject({ result: 'worked on try 3', attempts: 3 });
    expect(tries).toEqual([1, 2, 3]);
  });

  it('fails after the last try with the last reason', async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix, backoffDelayMs: 20 });
    const queue = engine.queue<null, string>({
      name: 'broken',
      attempts: 2,
      async process(job) {
        throw new Error(`the backend is down (try ${job.attempt})`);
      },
    });
    engine.startWorkers();
    await queue.add(null, { jobId: 'broken-1' });
    await expect.poll(async () => (await queue.get('broken-1'))?.status).toBe('failed');
    expect(await queue.get('broken-1')).toMatchObject({ error: 'the backend is down (try 2)', attempts: 2 });
  });

  it('fails at once on a StackError with a 4xx status, its message the reason', async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix, backoffDelayMs: 20 });
    let tries = 0;
    const queue = engine.queue<{ model: string }, string>({
      name: 'permanent',
      async process(job) {
        tries++;
        throw new NotFoundError('model', job.data.model, 'Register it under models: in distribution.yaml.');
      },
    });
    engine.startWorkers();
    await queue.add({ model: 'nope' }, { jobId: 'permanent-1' });
    await expect.poll(async () => (await queue.get('permanent-1'))?.status).toBe('failed');
    const record = await queue.get('permanent-1');
    expect(record).toMatchObject({
      error: "Unknown model 'nope'. Register it under models: in distribution.yaml.",
      attempts: 1,
    });
    expect(record?.finishedAt).toBeGreaterThan(0);
    expect(tries).toBe(1);
  });
});

describe('cancel', () => {
  it('aborts a running job wherever it runs, and the job ends cancelled with a reason', async () => {
    await using keys = createTestPrefix();
    await using worker = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    await using api = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    let started = 0;
    let abortedAfterMs: number | undefined;
    let cancelledAt = 0;
    const definition = {
      name: 'long',
      async process(job: { signal: AbortSignal }) {
        started++;
        await new Promise<void>((_resolve, reject) => {
          job.signal.addEventListener('abort', () => {
            abortedAfterMs = Date.now() - cancelledAt;
            reject(job.signal.reason);
          });
        });
        return 'never';
      },
    };
    worker.queue(definition);
    const queue = api.queue(definition);
    worker.startWorkers();
    await queue.add(null, { jobId: 'long-1' });
    await expect.poll(async () => (await queue.get('long-1'))?.status).toBe('running');

    cancelledAt = Date.now();
    const cancelled = await queue.cancel('long-1');
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.error).toMatch(/^Cancelled on request at /);
    await expect.poll(() => abortedAfterMs).toBeDefined();
    // The abort travels by pub/sub; a generous margin for a loaded machine.
    expect(abortedAfterMs).toBeLessThan(5_000);
    expect(started).toBe(1);
    const record = await queue.get('long-1');
    expect(record).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(record?.finishedAt).toBeGreaterThanOrEqual(cancelledAt);
    expect(await queue.cancel('long-1')).toMatchObject({ status: 'cancelled' });
    expect(await queue.cancel('unknown')).toBeUndefined();
  });

  it('keeps a scheduled job from ever running, parts included', async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    let ran = 0;
    const queue = engine.queue<null, string, number, number>({
      name: 'later',
      async processPart(part) {
        ran++;
        return part.data;
      },
      async process() {
        ran++;
        return 'ran';
      },
    });
    await queue.add(null, { jobId: 'whole' });
    await queue.add(null, { jobId: 'split', parts: [1, 2, 3] });
    expect(await queue.cancel('whole')).toMatchObject({ status: 'cancelled' });
    expect(await queue.cancel('split')).toMatchObject({ status: 'cancelled' });

    await queue.add(null, { jobId: 'after' });
    engine.startWorkers();
    await expect.poll(async () => (await queue.get('after'))?.status).toBe('completed');
    expect(ran).toBe(1);
    expect(await queue.get('whole')).toMatchObject({ status: 'cancelled' });
    expect(await queue.get('split')).toMatchObject({ status: 'cancelled' });
  });

  it('leaves a finished job unchanged', async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    const queue = engine.queue({ name: 'quick', process: async () => 'done' });
    engine.startWorkers();
    await queue.add(null, { jobId: 'quick-1' });
    await expect.poll(async () => (await queue.get('quick-1'))?.status).toBe('completed');
    expect(await queue.cancel('quick-1')).toMatchObject({ status: 'completed', result: 'done' });
  });
});
