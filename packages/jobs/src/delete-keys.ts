import { Redis } from 'ioredis';

/**
 * Deletes every key that starts with `prefix` (SCAN, never KEYS): what the queues of a deployment
 * (or a test's, or a benchmark's, private prefix) leave in Redis.
 */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
