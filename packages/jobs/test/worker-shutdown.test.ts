import { describe, expect, it } from 'vitest';
import { JobEngine } from '../src/index.js';
import { createTestPrefix, testRedisUrl } from '../src/test/index.js';

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function work(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

describe('closeWorkers', () => {
  it('lets a running job finish within the shutdown timeout, and takes no new job', async () => {
    await using keys = createTestPrefix();
    await using api = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    await using worker = new JobEngine({
      redisUrl: testRedisUrl,
      prefix: keys.prefix,
      shutdownTimeoutMs: 30_000,
    });
    const definition = {
      name: 'drain',
      process: async (job: { data: number; signal: AbortSignal }) => {
        await work(job.data, job.signal);
        return job.data;
      },
    };
    const queue = api.queue(definition);
    worker.queue(definition);
    worker.startWorkers();
    await queue.add(800, { jobId: 'running' });
    await expect.poll(async () => (await queue.get('running'))?.status).toBe('running');
    const closing = worker.closeWorkers();
    await queue.add(0, { jobId: 'after-close' });
    await closing;
    expect(await queue.get('running')).toMatchObject({ status: 'completed', result: 800 });
    await worker.dispose();
    expect(await queue.get('after-close')).toMatchObject({ status: 'scheduled' });
  });

  it('hands a job still running past the timeout back to the queue, without using up a try', async () => {
    await using keys = createTestPrefix();
    const tries: number[] = [];
    const definition = {
      name: 'handback',
      attempts: 1,
      process: async (job: { attempt: number; signal: AbortSignal }) => {
        tries.push(job.attempt);
        await work(tries.length === 1 ? 60_000 : 0, job.signal);
        return 'finished elsewhere';
      },
    };
    await using first = new JobEngine({
      redisUrl: testRedisUrl,
      prefix: keys.prefix,
      shutdownTimeoutMs: 200,
    });
    const queue = first.queue(definition);
    first.startWorkers();
    await queue.add(null, { jobId: 'long' });
    await expect.poll(async () => (await queue.get('long'))?.status).toBe('running');
    await first.dispose();

    await using second = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    const sameQueue = second.queue(definition);
    second.startWorkers();
    // With attempts: 1, a hand-back that used up the try would have failed the job.
    await expect.poll(async () => (await sameQueue.get('long'))?.status).toBe('completed');
    expect((await sameQueue.get('long'))?.result).toBe('finished elsewhere');
    expect(tries).toHaveLength(2);
  });
});
