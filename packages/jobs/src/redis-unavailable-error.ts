import { DependencyUnavailableError } from '@llama-stack-ts/core';

/** 503 from every queue operation while Redis cannot be reached; it says how to give the stack a Redis. */
export class RedisUnavailableError extends DependencyUnavailableError {
  constructor(redisUrl: string, cause?: unknown) {
    super('jobs', redisUrl, cause);
    this.name = 'RedisUnavailableError';
    const reason = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
    this.message =
      `The job queues cannot reach Redis at ${redisUrl}${reason}. Set REDIS_URL to a reachable Redis ` +
      '(redis://host:port), or start one on this machine with `redis-server --daemonize yes`; ' +
      'the queues reconnect by themselves.';
  }
}
