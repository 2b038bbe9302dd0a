import { RecordingLogger } from '@llama-stack-ts/provider-utils/test';
import { describe, expect, it } from 'vitest';
import { JobEngine, RedisUnavailableError } from '../src/index.js';
import { TestRedisServer } from '../src/test/index.js';

describe('while Redis is down', () => {
  it('answers 503 at once, naming REDIS_URL; health says why; everything recovers when Redis returns', {
    timeout: 60_000,
  }, async () => {
    await using redis = await TestRedisServer.start();
    const logger = new RecordingLogger();
    await using engine = new JobEngine({ redisUrl: redis.url, prefix: 'outage', logger, backoffDelayMs: 50 });
    const queue = engine.queue<{ n: number }, number>({
      name: 'doubles',
      process: async (job) => job.data.n * 2,
    });
    engine.startWorkers();
    await queue.add({ n: 1 }, { jobId: 'before' });
    await expect.poll(async () => (await queue.get('before'))?.status).toBe('completed');
    expect(await engine.health()).toMatchObject({ status: 'ok' });

    await redis.stop();
    const started = Date.now();
    const failure = await queue.add({ n: 2 }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect(failure).toMatchObject({ status: 503 });
    expect((failure as Error).message).toContain('REDIS_URL');
    expect((failure as Error).message).toContain('redis-server --daemonize yes');
    await expect(queue.get('before')).rejects.toMatchObject({ status: 503 });
    await expect(queue.list()).rejects.toMatchObject({ status: 503 });
    await expect(queue.cancel('before')).rejects.toMatchObject({ status: 503 });
    const health = await engine.health();
    expect(health.status).toBe('error');
    expect(health.message).toContain(redis.url);
    await expect
      .poll(() => logger.lines.some((line) => line.level === 'warn' && line.message.includes('REDIS_URL')))
      .toBe(true);

    // A fresh server: the same port, empty (no persistence), as after a restart.
    await redis.start();
    await expect.poll(async () => (await engine.health()).status, { timeout: 20_000 }).toBe('ok');
    await queue.add({ n: 21 }, { jobId: 'after' });
    await expect.poll(async () => (await queue.get('after'))?.result, { timeout: 20_000 }).toBe(42);
    expect(logger.lines.some((line) => line.message.includes('reachable again'))).toBe(true);
  });

  it('creating an engine never throws or waits, and its first call answers 503 quickly', async () => {
    await using redis = await TestRedisServer.start();
    await redis.stop();
    await using engine = new JobEngine({ redisUrl: redis.url, prefix: 'never-up' });
    const queue = engine.queue({ name: 'nowhere', process: async () => null });
    expect(engine.startWorkers()).toEqual([{ queue: 'nowhere', concurrency: 1 }]);
    const started = Date.now();
    await expect(queue.add(null)).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await engine.health()).status).toBe('error');
  });
});
