import { InvalidRequestError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { JobEngine } from '../src/index.js';
import { createTestPrefix, testRedisUrl } from '../src/test/index.js';

interface Batch {
  label: string;
}

describe('a job split into parts', () => {
  it('runs its parts on every worker, then process() with the results in part order', async () => {
    await using keys = createTestPrefix();
    const ranOn: Record<string, number[]> = { a: [], b: [] };
    const declare = (engine: JobEngine, worker: 'a' | 'b') =>
      engine.queue<Batch, string, number, number>({
        name: 'squares',
        concurrency: 2,
        async processPart(part) {
          ranOn[worker]?.push(part.data);
          await part.log(`squaring ${part.data} on ${worker}`);
          await part.setProgress({ completed: 1, total: 1 });
          // Long enough that one worker cannot take every part before the other one starts.
          await new Promise((resolve) => setTimeout(resolve, 150));
          return part.data * part.data;
        },
        async process(job, squares) {
          return `${job.data.label}: ${squares.join(',')}`;
        },
      });
    await using engineA = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    await using engineB = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    const queue = declare(engineA, 'a');
    declare(engineB, 'b');
    engineA.startWorkers();
    engineB.startWorkers();

    const parts = Array.from({ length: 12 }, (_, index) => index + 1);
    const added = await queue.add({ label: 'squares' }, { jobId: 'split', parts });
    expect(added.status).toBe('scheduled');

    await expect.poll(async () => (await queue.get('split'))?.status, { timeout: 30_000 }).toBe('completed');
    const record = await queue.get('split');
    expect(record?.result).toBe(`squares: ${parts.map((part) => part * part).join(',')}`);
    expect(record?.progress).toEqual({ completed: 12, total: 12 });
    expect(ranOn.a?.length).toBeGreaterThan(0);
    expect(ranOn.b?.length).toBeGreaterThan(0);
    expect([...(ranOn.a ?? []), ...(ranOn.b ?? [])].sort((x, y) => x - y)).toEqual(parts);

    const lines: string[] = [];
    for await (const line of queue.logs('split')) lines.push(line);
    expect(lines).toHaveLength(12);
    expect(lines.some((line) => /^\[part 0\] squaring 1 on [ab]$/.test(line))).toBe(true);
  });

  it('fails the job with the reason of a part that failed for good, and stops the other parts', async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix, backoffDelayMs: 50 });
    const queue = engine.queue<null, string, string, string>({
      name: 'picky',
      concurrency: 3,
      async processPart(part) {
        if (part.data === 'bad') throw new InvalidRequestError('text', 'must not be "bad"');
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 60_000);
          part.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(part.signal.reason);
          });
        });
        return part.data;
      },
      async process() {
        return 'never';
      },
    });
    engine.startWorkers();
    await queue.add(null, { jobId: 'mixed', parts: ['slow', 'bad', 'slow'] });
    await expect.poll(async () => (await queue.get('mixed'))?.status, { timeout: 20_000 }).toBe('failed');
    expect((await queue.get('mixed'))?.error).toBe('part 1 failed: text: must not be "bad"');
  });
});
