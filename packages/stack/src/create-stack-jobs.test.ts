import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobQueue, ProviderContext } from '@llama-stack-ts/core';
import { createTestPrefix, TestRedisServer, testRedisUrl } from '@llama-stack-ts/jobs/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedSpec } from '../test/scripted-provider-specs.js';
import { createStack } from './create-stack.js';
import { DistributionManifest, type DistributionManifestInput } from './manifest/manifest-schema.js';
import { silentLogger } from './stack-logger.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lsts-stack-jobs-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** A scripted provider that declares a `slow-echo` queue in create(), as batch inference does. */
function queueingSetup(jobs: DistributionManifestInput['jobs']) {
  const log: string[] = [];
  const contexts = new Map<string, ProviderContext>();
  const queues: JobQueue<number, number>[] = [];
  const spec = scriptedSpec({
    api: 'inference',
    type: 'inline::scripted-queueing',
    log,
    contexts,
    onCreate(context) {
      const queue = context.jobs?.queue<number, number>({
        name: 'slow-echo',
        async process(job) {
          await new Promise((resolve) => setTimeout(resolve, job.data));
          log.push(`processed:${job.jobId}`);
          return job.data;
        },
      });
      if (queue) queues.push(queue);
    },
  });
  const manifest: DistributionManifestInput = {
    name: 'jobs-test',
    data_dir: dataDir,
    providers: { inference: [{ provider_id: 'queueing', provider_type: 'inline::scripted-queueing' }] },
    ...(jobs === undefined ? {} : { jobs }),
  };
  return { log, contexts, queues, spec, manifest };
}

describe('createStack with a jobs: section', () => {
  it('hands providers the job queues, runs their workers, and lists the engine in health', async () => {
    await using keys = createTestPrefix();
    const { log, queues, spec, manifest } = queueingSetup({
      redis_url: testRedisUrl,
      prefix: keys.prefix,
      queues: { 'slow-echo': { concurrency: 3 } },
    });
    await using stack = await createStack(manifest, { providers: [spec], logger: silentLogger });
    const [queue] = queues;
    expect(queue?.name).toBe('slow-echo');
    expect(stack.startWorkers()).toEqual([{ queue: 'slow-echo', concurrency: 3 }]);

    await queue?.add(10, { jobId: 'quick' });
    await expect.poll(async () => (await queue?.get('quick'))?.status).toBe('completed');
    expect(log).toContain('processed:quick');
    expect(await stack.health()).toContainEqual(
      expect.objectContaining({ provider_id: 'jobs', provider_type: 'bullmq', status: 'ok' }),
    );
  });

  it('drains running jobs before it disposes the providers', async () => {
    await using keys = createTestPrefix();
    const { log, queues, spec, manifest } = queueingSetup({ redis_url: testRedisUrl, prefix: keys.prefix });
    const stack = await createStack(manifest, { providers: [spec], logger: silentLogger });
    stack.startWorkers();
    const [queue] = queues;
    await queue?.add(500, { jobId: 'draining' });
    await expect.poll(async () => (await queue?.get('draining'))?.status).toBe('running');
    await stack.dispose();
    expect(log.slice(-2)).toEqual(['processed:draining', 'dispose:queueing']);
  });

  it('starts while Redis is down: health reports the engine, queues answer 503 naming REDIS_URL', async () => {
    await using redis = await TestRedisServer.start();
    await redis.stop();
    const { queues, spec, manifest } = queueingSetup({ redis_url: redis.url, prefix: 'down' });
    await using stack = await createStack(manifest, { providers: [spec], logger: silentLogger });
    stack.startWorkers();
    const jobs = (await stack.health()).find((entry) => entry.provider_id === 'jobs');
    expect(jobs).toMatchObject({ provider_type: 'bullmq', status: 'error' });
    expect(jobs?.message).toContain('REDIS_URL');
    await expect(queues[0]?.add(1)).rejects.toMatchObject({ status: 503 });
  });
});

describe('createStack without a jobs: section', () => {
  it('gives providers no job queues, has no workers to start, and no jobs in health', async () => {
    const { contexts, spec, manifest } = queueingSetup(undefined);
    await using stack = await createStack(manifest, { providers: [spec], logger: silentLogger });
    expect(contexts.get('queueing')?.jobs).toBeUndefined();
    expect(stack.jobs).toBeUndefined();
    expect(() => stack.startWorkers()).toThrow(/has no jobs: section/);
    expect((await stack.health()).map((entry) => entry.provider_id)).toEqual(['queueing']);
  });
});

describe('the jobs: section', () => {
  it('turns the queues on with every default when written empty, and off when left out', () => {
    const base = { name: 'local' };
    expect(DistributionManifest.parse({ ...base, jobs: null }).jobs).toEqual({
      redis_url: 'redis://127.0.0.1:6379',
      lock_duration_ms: 30_000,
      queues: {},
      dashboard: false,
    });
    expect(DistributionManifest.parse(base).jobs).toBeUndefined();
    expect(DistributionManifest.safeParse({ ...base, jobs: { lock_duration_ms: 10 } }).success).toBe(false);
  });
});
