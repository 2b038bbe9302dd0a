import type { ProviderLogger } from '@llama-stack-ts/core';

export interface JobEngineOptions {
  /** `redis://[user:password@]host:port[/db]`; the password is never logged. */
  redisUrl: string;
  /**
   * Put before every Redis key and channel of the engine, so several distributions share one Redis:
   * e.g. `llama-stack-ts:local`. Every process of one distribution uses the same prefix.
   */
  prefix: string;
  /**
   * How long a worker's lock on a running job or part lasts; it is renewed while the worker lives.
   * A job whose worker died (`kill -9`, a lost machine) runs again once its lock has expired and a
   * stalled check has seen it. Default 30000.
   */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose worker died. Default: `lockDurationMs`. */
  stalledIntervalMs?: number;
  /** Jobs one worker process runs at once, per queue name; overrides the queue's own `concurrency`. */
  concurrency?: Readonly<Record<string, number>>;
  /** The delay before the first retry of a failed try; it doubles with each try. Default 1000. */
  backoffDelayMs?: number;
  /**
   * How long `closeWorkers()` lets running jobs finish; those still running are then aborted and
   * handed back to the queue, where another worker picks them up. Default 10000.
   */
  shutdownTimeoutMs?: number;
  /** Where the engine reports Redis outages and worker problems; default: nowhere. */
  logger?: ProviderLogger;
}
