import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisposedError } from '@llama-stack-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from './file-key-value-store.js';
import type { KeyValueStore } from './key-value-store.js';
import { RedisKeyValueStore } from './redis-key-value-store.js';

const redisUrl = process.env.LLAMA_STACK_TS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The same contract, checked on every store; `open` gives a fresh handle on one shared store. */
function describeKeyValueStore(
  name: string,
  setup: () => Promise<{ open: () => Promise<KeyValueStore>; cleanup: () => Promise<void> }>,
) {
  describe(name, () => {
    let open: () => Promise<KeyValueStore>;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ open, cleanup } = await setup());
    });
    afterAll(() => cleanup());

    it('gets what was set, lists by prefix in order, deletes', async () => {
      await using store = await open();
      await store.set('turn:a:s:2026-01-02', { n: 2 });
      await store.set('turn:a:s:2026-01-01', { n: 1 });
      await store.set('turn:a:t:2026-01-01', { n: 3 });
      await store.set('agent:a', { name: 'a/b: c?*[x]' });
      expect(await store.get('agent:a')).toEqual({ name: 'a/b: c?*[x]' });
      expect(await store.get('agent:missing')).toBeUndefined();
      expect(await store.list('turn:a:s:')).toEqual(['turn:a:s:2026-01-01', 'turn:a:s:2026-01-02']);
      expect(await store.list('turn:')).toHaveLength(3);
      expect(await store.delete('turn:a:s:2026-01-01')).toBe(true);
      expect(await store.delete('turn:a:s:2026-01-01')).toBe(false);
      expect(await store.list('turn:a:s:')).toEqual(['turn:a:s:2026-01-02']);
    });

    it('treats glob and path characters in keys literally', async () => {
      await using store = await open();
      await store.set('x:*:../..', 1);
      await store.set('x:a', 2);
      expect(await store.list('x:*')).toEqual(['x:*:../..']);
      expect(await store.get('x:*:../..')).toBe(1);
    });

    it('takes a key of any length and characters, and lists it by prefix', async () => {
      await using store = await open();
      const long = `long:${'é/..'.repeat(300)}`;
      await store.set(long, { n: 1 });
      await store.set('long:short', { n: 2 });
      expect(await store.get(long)).toEqual({ n: 1 });
      expect(await store.list('long:')).toEqual([long, 'long:short'].sort());
      await store.set(long, { n: 3 });
      expect(await store.get(long)).toEqual({ n: 3 });
      expect(await store.delete(long)).toBe(true);
      expect(await store.get(long)).toBeUndefined();
      expect(await store.list('long:')).toEqual(['long:short']);
    });

    it('shares values between handles, as several server processes do, and keeps them after a reopen', async () => {
      const first = await open();
      await first.set('shared:key', { from: 'first' });
      await first.dispose();
      await using second = await open();
      expect(await second.get('shared:key')).toEqual({ from: 'first' });
      await second.set('shared:key', { from: 'second' });
      await using third = await open();
      expect(await third.get('shared:key')).toEqual({ from: 'second' });
    });

    it('creates a key once: of 20 concurrent creates on separate handles exactly one wins, and its value stays', async () => {
      const handles = await Promise.all(Array.from({ length: 20 }, () => open()));
      const key = `create:${'é'.repeat(100)}`;
      const won = await Promise.all(handles.map((store, index) => store.create(key, { index })));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await handles[0]?.get(key)).toEqual({ index: won.indexOf(true) });
      expect(await handles[0]?.create(key, { index: -1 })).toBe(false);
      expect(await handles[0]?.list('create:')).toEqual([key]);
      await Promise.all(handles.map((store) => store.dispose()));
    });

    it('refuses calls after dispose, and dispose is idempotent', async () => {
      const store = await open();
      await store.dispose();
      await store.dispose();
      expect(store.disposed).toBe(true);
      await expect(store.get('a')).rejects.toBeInstanceOf(DisposedError);
    });
  });
}

describeKeyValueStore('FileKeyValueStore', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'kv-'));
  return {
    open: () => FileKeyValueStore.open(directory),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});

describe('FileKeyValueStore files', () => {
  it('writes one JSON file per key through a temporary file renamed into place, leaving no temporaries', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'kv-'));
    try {
      await using store = await FileKeyValueStore.open(directory);
      await Promise.all(Array.from({ length: 20 }, (_, index) => store.set('same', { index })));
      const names = await readdir(directory);
      expect(names).toEqual(['same.json']);
      expect(await store.get<{ index: number }>('same')).toHaveProperty('index');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('FileKeyValueStore names', () => {
  it('names a key too long for a file name, or not well-formed text, after its hash, in its directory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'kv-'));
    try {
      await using store = await FileKeyValueStore.open(directory);
      const long = `agent:${'a'.repeat(300)}`;
      const loneSurrogate = 'agent:\ud800';
      await store.set(long, 1);
      await store.set(loneSurrogate, 2);
      await store.set('agent:\ufffd', 3);
      const names = await readdir(directory);
      expect(names.filter((name) => /^\+[0-9a-f]{64}\.json$/.test(name))).toHaveLength(2);
      expect(names.every((name) => Buffer.byteLength(name) <= 255)).toBe(true);
      expect([
        await store.get(long),
        await store.get(loneSurrogate),
        await store.get('agent:\ufffd'),
      ]).toEqual([1, 2, 3]);
      expect(await store.list('agent:')).toEqual([long, loneSurrogate, 'agent:\ufffd'].sort());
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describeKeyValueStore('RedisKeyValueStore (real Redis)', async () => {
  const keyPrefix = `llama-stack-ts-test:${randomUUID()}:`;
  return {
    open: () => RedisKeyValueStore.open({ url: redisUrl, keyPrefix }),
    async cleanup() {
      await using store = await RedisKeyValueStore.open({ url: redisUrl, keyPrefix });
      for (const key of await store.list('')) await store.delete(key);
    },
  };
});

describe('RedisKeyValueStore connection', () => {
  it('answers 503 naming the URL without its password when Redis cannot be reached', async () => {
    const failure = await RedisKeyValueStore.open({
      url: 'redis://:hunter2@127.0.0.1:1',
      keyPrefix: 'x:',
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503 });
    expect(String((failure as Error).message)).not.toContain('hunter2');
  });
});
