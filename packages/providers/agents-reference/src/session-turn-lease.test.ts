import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeSessionTurnLease } from './session-turn-lease.js';
import { FileKeyValueStore } from './store/file-key-value-store.js';
import type { KeyValueStore } from './store/key-value-store.js';
import { RedisKeyValueStore } from './store/redis-key-value-store.js';

const redisUrl = process.env.LLAMA_STACK_TS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Each store, with two handles on it: two server processes sharing one store. */
const stores: [
  string,
  () => Promise<{ open: () => Promise<KeyValueStore>; cleanup: () => Promise<void> }>,
][] = [
  [
    'FileKeyValueStore',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'turn-lease-'));
      return {
        open: () => FileKeyValueStore.open(directory),
        cleanup: () => rm(directory, { recursive: true, force: true }),
      };
    },
  ],
  [
    'RedisKeyValueStore (real Redis)',
    async () => {
      const keyPrefix = `llama-stack-ts-test:${randomUUID()}:`;
      const open = () => RedisKeyValueStore.open({ url: redisUrl, keyPrefix });
      return {
        open,
        async cleanup() {
          await using store = await open();
          for (const key of await store.list('')) await store.delete(key);
        },
      };
    },
  ],
];

describe.each(stores)('takeSessionTurnLease on %s', (_name, setup) => {
  let open: () => Promise<KeyValueStore>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ open, cleanup } = await setup());
  });
  afterAll(() => cleanup());

  it("runs one session's turns one at a time across handles, another session's alongside", async () => {
    await using first = await open();
    await using second = await open();
    const events: string[] = [];
    const releaseFirst = await takeSessionTurnLease(first, 'turn-lease:a:s', undefined, { pollMs: 5 });
    const waiting = takeSessionTurnLease(second, 'turn-lease:a:s', undefined, { pollMs: 5 }).then(
      (release) => {
        events.push('second took it');
        return release;
      },
    );
    const other = await takeSessionTurnLease(second, 'turn-lease:a:t', undefined, { pollMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    events.push('first gives it back');
    await releaseFirst();
    await (await waiting)();
    await other();
    expect(events).toEqual(['first gives it back', 'second took it']);
    expect(await first.list('turn-lease:')).toEqual([]);
  });

  it('is renewed while held, taken over once its holder stops renewing, and left when a wait is aborted', async () => {
    await using first = await open();
    await using second = await open();
    const held = await takeSessionTurnLease(first, 'turn-lease:a:r', undefined, { leaseMs: 150, pollMs: 5 });
    const aborted = takeSessionTurnLease(second, 'turn-lease:a:r', AbortSignal.timeout(400), { pollMs: 5 });
    await expect(aborted).rejects.toThrow();
    await held();

    // A holder that died: its lease, written as it left it, is taken once it has expired.
    await first.set('turn-lease:a:d', { token: 'gone', expires_at: Date.now() + 100 });
    const started = Date.now();
    const release = await takeSessionTurnLease(second, 'turn-lease:a:d', undefined, { pollMs: 5 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await release();
  });
});
