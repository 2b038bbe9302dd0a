import { DependencyUnavailableError, DisposedError } from '@llama-stack-ts/core';
import { redactUrl } from '@llama-stack-ts/provider-utils';
import { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';

export interface RedisKeyValueStoreOptions {
  /** `redis://host:port/db`. */
  url: string;
  /** Put before every key, so several stacks can share one Redis. */
  keyPrefix: string;
}

/**
 * A key-value store in Redis, for several server processes behind one load balancer: each value is
 * a JSON string under `keyPrefix + key`; `list` walks the keys with SCAN (never KEYS, which blocks
 * the server).
 */
export class RedisKeyValueStore implements KeyValueStore {
  #disposed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  static async open(options: RedisKeyValueStoreOptions): Promise<RedisKeyValueStore> {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    });
    // ioredis reconnects by itself and reports each failure as an 'error' event; the failing
    // command rejects anyway, so the event is not rethrown (an unhandled one is printed by ioredis).
    redis.on('error', () => {});
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new DependencyUnavailableError(
        'inline::reference (agents persistence)',
        redactUrl(options.url, 'the configured Redis URL'),
        error,
      );
    }
    return new RedisKeyValueStore(redis, options.keyPrefix);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    this.#guard();
    const text = await this.redis.get(this.keyPrefix + key);
    return text === null ? undefined : (JSON.parse(text) as Value);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#guard();
    await this.redis.set(this.keyPrefix + key, JSON.stringify(value));
  }

  async create(key: string, value: unknown): Promise<boolean> {
    this.#guard();
    return (await this.redis.set(this.keyPrefix + key, JSON.stringify(value), 'NX')) === 'OK';
  }

  async delete(key: string): Promise<boolean> {
    this.#guard();
    return (await this.redis.del(this.keyPrefix + key)) > 0;
  }

  async list(prefix: string): Promise<string[]> {
    this.#guard();
    const pattern = `${escapeGlob(this.keyPrefix + prefix)}*`;
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      for (const key of batch) keys.add(key.slice(this.keyPrefix.length));
      cursor = next;
    } while (cursor !== '0');
    return [...keys].sort();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError('RedisKeyValueStore');
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
