import { InvalidRequestError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { JobEngine } from '../src/index.js';
import { createTestPrefix, testRedisUrl } from '../src/test/index.js';

function createEngine(prefix: string, options: Partial<ConstructorParameters<typeof JobEngine>[0]> = {}) {
  return new JobEngine({ redisUrl: testRedisUrl, prefix, backoffDelayMs: 100, ...options });
}

describe('JobEngine', () => {
  it('adds a job, runs it on a worker and keeps its result, progress and log', async () => {
    await using keys = createTestPrefix();
    await using engine = createEngine(keys.prefix);
    const queue = engine.queue<{ text: string }, { upper: string }>({
      name: 'echo',
      async process(job) {
        await job.log(`upper-casing ${job.data.text}`);
        await job.setProgress({ completed: 1, total: 1 });
        return { upper: job.data.text.toUpperCase() };
      },
    });
    engine.startWorkers();
    const added = await queue.add({ text: 'hi' }, { jobId: 'job-1' });
    expect(added).toMatchObject({ id: 'job-1', queue: 'echo', status: 'scheduled', data: { text: 'hi' } });

    await expect.poll(async () => (await queue.get('job-1'))?.status).toBe('completed');
    const record = await queue.get('job-1');
    expect(record).toMatchObject({
      status: 'completed',
      result: { upper: 'HI' },
      progress: { completed: 1, total: 1 },
      attempts: 1,
    });
    expect(record?.finishedAt).toBeGreaterThanOrEqual(record?.startedAt ?? Number.POSITIVE_INFINITY);
    const lines: string[] = [];
    for await (const line of queue.logs('job-1')) lines.push(line);
    expect(lines).toEqual(['upper-casing hi']);
  });

  it("follows a job's log until the job ends", async () => {
    await using keys = createTestPrefix();
    await using engine = createEngine(keys.prefix);
    const queue = engine.queue<number, null>({
      name: 'chatty',
      async process(job) {
        for (let line = 1; line <= job.data; line++) {
          await job.log(`line ${line}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return null;
      },
    });
    await queue.add(5, { jobId: 'chatty-1' });
    engine.startWorkers();
    const lines: string[] = [];
    for await (const line of queue.logs('chatty-1', { follow: true })) lines.push(line);
    expect(lines).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect((await queue.get('chatty-1'))?.status).toBe('completed');
    await expect(async () => {
      for await (const _line of queue.logs('unknown')) break;
    }).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a taken job id and a malformed one', async () => {
    await using keys = createTestPrefix();
    await using engine = createEngine(keys.prefix);
    const queue = engine.queue({ name: 'ids', process: async () => null });
    await queue.add({}, { jobId: 'same' });
    await expect(queue.add({}, { jobId: 'same' })).rejects.toMatchObject({ status: 409 });
    await expect(queue.add({}, { jobId: 'a:b' })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(queue.add({}, { jobId: 'wait' })).rejects.toMatchObject({ status: 400, field: 'job_id' });
    expect(await queue.get('unknown')).toBeUndefined();
  });

  it('lists jobs most recent first, a page at a time', async () => {
    await using keys = createTestPrefix();
    await using engine = createEngine(keys.prefix);
    const queue = engine.queue({ name: 'listed', process: async () => null });
    for (const id of ['first', 'second', 'third']) {
      await queue.add({ id }, { jobId: id });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await queue.list()).map((job) => job.id)).toEqual(['third', 'second', 'first']);
    expect((await queue.list({ limit: 1, after: 'third' })).map((job) => job.id)).toEqual(['second']);
    await expect(queue.list({ after: 'nope' })).rejects.toMatchObject({ status: 400, field: 'after' });
  });
});
