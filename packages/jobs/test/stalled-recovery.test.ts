import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JobEngine } from '../src/index.js';
import { createTestPrefix, testRedisUrl } from '../src/test/index.js';

const stallingWorker = fileURLToPath(new URL('./fixtures/stalling-worker.ts', import.meta.url));

describe('a worker killed mid-job', () => {
  it('leaves its parts to another worker, and each part counts exactly once', {
    timeout: 60_000,
  }, async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({
      redisUrl: testRedisUrl,
      prefix: keys.prefix,
      lockDurationMs: 2_000,
    });
    const rerun: number[] = [];
    const queue = engine.queue<null, number[], number, number>({
      name: 'stall',
      async processPart(part) {
        rerun.push(part.data);
        return part.data * 10;
      },
      async process(_job, results) {
        return [...results];
      },
    });
    const parts = [0, 1, 2, 3, 4, 5];
    await queue.add(null, { jobId: 'killed-mid-part', parts });

    const child = spawn(
      process.execPath,
      ['--conditions=@llama-stack-ts/source', '--import', 'tsx', stallingWorker],
      {
        env: { ...process.env, JOBS_TEST_REDIS_URL: testRedisUrl, JOBS_TEST_PREFIX: keys.prefix },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    try {
      // Every part taken, the even ones completed, the odd ones hanging: kill it mid-part. "Completed"
      // as BullMQ has stored it, not only printed: a loaded machine may otherwise kill the worker
      // between a processor's return and the write, and that part rightly runs again.
      const completedParts = async () => {
        const counts = await Promise.all(engine.bullmqQueues.map((bullmq) => bullmq.getCompletedCount()));
        return counts.reduce((sum, count) => sum + count, 0);
      };
      await expect
        .poll(
          async () =>
            parts.every((part) => output.includes(part % 2 ? `started ${part}` : `completed ${part}`)) &&
            (await completedParts()) === 3,
          { timeout: 30_000 },
        )
        .toBe(true);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }

    engine.startWorkers();
    await expect
      .poll(async () => (await queue.get('killed-mid-part'))?.status, { timeout: 30_000 })
      .toBe('completed');
    expect((await queue.get('killed-mid-part'))?.result).toEqual(parts.map((part) => part * 10));
    expect(rerun.sort()).toEqual([1, 3, 5]);
  });
});
