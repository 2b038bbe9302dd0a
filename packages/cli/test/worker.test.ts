import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobEngine } from '@llama-stack-ts/jobs';
import { createTestPrefix, testRedisUrl } from '@llama-stack-ts/jobs/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uppercaseQueue } from './fixtures/jobs/uppercase-jobs-provider.js';
import { type StartedCli, startCli } from './run-cli.js';

const manifest = fileURLToPath(new URL('./fixtures/jobs/distribution.yaml', import.meta.url));

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lsts-cli-worker-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Starts the command and resolves once its stdout matches `ready`. */
async function startUntil(
  args: string[],
  prefix: string,
  ready: RegExp,
  env: Record<string, string> = {},
): Promise<StartedCli & { output(): string }> {
  const started = startCli(args, {
    JOBS_PREFIX: prefix,
    REDIS_URL: testRedisUrl,
    LLAMA_STACK_TS_HOME: home,
    ...env,
  });
  let output = '';
  started.child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  started.child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (ready.test(output)) resolve();
    };
    started.child.stdout.on('data', check);
    started.finished.then(({ code }) =>
      reject(new Error(`exited with ${code} before it was ready:\n${output}`)),
    );
  });
  return { ...started, output: () => output };
}

describe('llama-stack-ts worker', () => {
  it('works on the queues of the distribution, and drains running jobs on SIGTERM', {
    timeout: 180_000,
  }, async () => {
    await using keys = createTestPrefix();
    const worker = await startUntil(['worker', manifest], keys.prefix, /stop: Ctrl-C/);
    try {
      expect(worker.output()).toContain("worker of distribution 'jobs-fixture'");
      expect(worker.output()).toContain('workers for uppercase (concurrency 2)');

      // Jobs added from another process (here, the test) run in the worker.
      await using producer = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
      const queue = producer.queue(uppercaseQueue);
      await queue.add({ text: 'hello', delay_ms: 0 }, { jobId: 'quick' });
      await expect.poll(async () => (await queue.get('quick'))?.result, { timeout: 30_000 }).toBe('HELLO');

      await queue.add({ text: 'draining', delay_ms: 1_500 }, { jobId: 'slow' });
      await expect.poll(async () => (await queue.get('slow'))?.status, { timeout: 30_000 }).toBe('running');
      worker.child.kill('SIGTERM');
      // A second signal right behind the first (a terminal's Ctrl-C plus a supervisor) must not cut the drain short.
      await new Promise((resolve) => setTimeout(resolve, 100));
      worker.child.kill('SIGINT');
      const { code } = await worker.finished;
      expect(code).toBe(0);
      expect(await queue.get('slow')).toMatchObject({ status: 'completed', result: 'DRAINING' });
      expect(worker.output()).toContain('stopped.');
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('refuses a distribution without a jobs: section', async () => {
    const { finished } = startCli(['worker', 'tests/fixtures/manifests/echo.yaml'], {
      LLAMA_STACK_TS_HOME: home,
    });
    const { code, stderr } = await finished;
    expect(code).toBe(2);
    expect(stderr).toContain('has no jobs: section');
  });
});

describe('llama-stack-ts run', () => {
  it('works on the job queues in-process, unless --no-worker', { timeout: 180_000 }, async () => {
    await using keys = createTestPrefix();
    await using producer = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    const queue = producer.queue(uppercaseQueue);

    const serveOnly = await startUntil(['run', manifest, '--no-worker'], keys.prefix, /health:/);
    try {
      expect(serveOnly.output()).toContain('no worker in this process (--no-worker)');
      await queue.add({ text: 'later', delay_ms: 0 }, { jobId: 'waits' });
      const url = /listening on (\S+)/.exec(serveOnly.output())?.[1];
      const health = (await (await fetch(`${url}/health`)).json()) as {
        providers: { provider_id: string }[];
      };
      expect(health.providers).toContainEqual(expect.objectContaining({ provider_id: 'jobs', status: 'ok' }));
      expect((await queue.get('waits'))?.status).toBe('scheduled');
    } finally {
      serveOnly.child.kill('SIGTERM');
    }
    expect((await serveOnly.finished).code).toBe(0);

    const serving = await startUntil(['run', manifest], keys.prefix, /health:/, {
      JOBS_DASHBOARD: 'true',
      JOBS_AUTH_KEY: 'sesame',
    });
    try {
      expect(serving.output()).toContain('jobs: workers for uppercase (concurrency 2)');
      await expect.poll(async () => (await queue.get('waits'))?.result, { timeout: 30_000 }).toBe('LATER');

      // Bull Board, behind the bearer token like the API.
      const dashboard = /jobs dashboard: (\S+)/.exec(serving.output())?.[1];
      expect(dashboard).toMatch(/\/admin\/queues$/);
      expect((await fetch(`${dashboard}/api/queues`)).status).toBe(401);
      const board = await fetch(`${dashboard}/api/queues?activeQueue=uppercase&status=completed`, {
        headers: { authorization: 'Bearer sesame' },
      });
      const { queues: shown } = (await board.json()) as {
        queues: { name: string; jobs: { id: string }[] }[];
      };
      expect(shown.find((entry) => entry.name === 'uppercase')?.jobs.map((job) => job.id)).toContain('waits');
    } finally {
      serving.child.kill('SIGTERM');
    }
    expect((await serving.finished).code).toBe(0);
  });
});
