import type { ProviderLogger } from '@llama-stack-ts/core';
import { redactUrl } from '@llama-stack-ts/provider-utils';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisUnavailableError } from './redis-unavailable-error.js';

/** How long an operation waits for the engine's first connection to Redis before it answers 503. */
const connectWaitMs = 3_000;

/**
 * The engine's Redis clients. Each reconnects by itself for as long as the engine lives, so the
 * queues and workers recover when Redis comes back; an outage is logged once, and so is the return.
 *
 * - `commands` carries every queue operation. It has no offline queue: while Redis is down a
 *   command fails at once instead of waiting, and `whenReachable()` turns that into a 503.
 * - `workers` is shared by the BullMQ workers (each adds its own blocking connection). Workers
 *   wait for Redis rather than fail, so it keeps BullMQ's required `maxRetriesPerRequest: null`.
 * - `subscriber` listens for jobs to abort; it re-subscribes after a reconnect.
 */
export class RedisConnections {
  readonly url: string;
  readonly commands: Redis;
  /** The URL as configured, password included: only ever handed to ioredis. */
  readonly #connectUrl: string;
  readonly #logger: ProviderLogger | undefined;
  #workers: Redis | undefined;
  #subscriber: Redis | undefined;
  /** The blocking connections BullMQ duplicates from `workers`, one per worker. */
  readonly #duplicates = new Set<Redis>();
  #lastError: Error | undefined;
  #outageReported = false;

  constructor(url: string, logger?: ProviderLogger) {
    this.url = redactUrl(url, 'the Redis URL in REDIS_URL');
    this.#connectUrl = url;
    this.#logger = logger;
    this.commands = this.#connect({ enableOfflineQueue: false, maxRetriesPerRequest: 1 }, true);
  }

  get reachable(): boolean {
    return this.commands.status === 'ready';
  }

  /** Why Redis cannot be reached, worded for the user (`REDIS_URL`, `redis-server --daemonize yes`). */
  unavailableError(cause: unknown = this.#lastError): RedisUnavailableError {
    return new RedisUnavailableError(this.url, cause);
  }

  /**
   * Resolves once the command connection is ready. While a connection attempt is under way (the
   * engine was just created) it waits for that attempt, at most `connectWaitMs`; during an outage
   * it throws the 503 at once, so no caller ever waits for Redis to come back.
   */
  async whenReachable(): Promise<void> {
    const client = this.commands;
    if (client.status === 'ready') return;
    if (client.status !== 'connecting' && client.status !== 'connect' && client.status !== 'wait') {
      throw this.unavailableError();
    }
    let onReady: (() => void) | undefined;
    let onError: ((error: Error) => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onReady = resolve;
        onError = (error) => reject(this.unavailableError(error));
        timer = setTimeout(() => reject(this.unavailableError()), connectWaitMs);
        client.once('ready', onReady);
        client.once('error', onError);
      });
    } finally {
      clearTimeout(timer);
      if (onReady) client.off('ready', onReady);
      if (onError) client.off('error', onError);
    }
  }

  get workers(): Redis {
    if (this.#workers) return this.#workers;
    const client = this.#connect({ maxRetriesPerRequest: null }, false);
    // Each BullMQ worker duplicates this client for its blocking connection. They are tracked so
    // `dispose()` ends them too: BullMQ's own close waits for a connection that never came up.
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (...args: Parameters<Redis['duplicate']>) => {
      const copy = duplicate(...args);
      copy.on('error', () => {});
      this.#duplicates.add(copy);
      return copy;
    };
    this.#workers = client;
    return client;
  }

  get subscriber(): Redis {
    this.#subscriber ??= this.#connect({ maxRetriesPerRequest: null }, false);
    return this.#subscriber;
  }

  /**
   * Ends every client at once: nothing is left to send, and a quit would wait for a Redis that is
   * down. BullMQ calls still waiting for a connection then settle.
   */
  dispose(): void {
    for (const client of [this.commands, this.#workers, this.#subscriber, ...this.#duplicates])
      client?.disconnect();
  }

  #connect(options: RedisOptions, reportsOutages: boolean): Redis {
    const client = new Redis(this.#connectUrl, { ...options, connectionName: 'llama-stack-ts-jobs' });
    // ioredis reports each failed reconnect as an 'error' event; commands fail on their own, so the
    // events are only logged (by the command connection, once per outage).
    client.on('error', (error: Error) => {
      if (!reportsOutages) return;
      this.#lastError = error;
      if (this.#outageReported) return;
      this.#outageReported = true;
      this.#logger?.warn(`${this.unavailableError(error).message} Retrying in the background.`);
    });
    if (reportsOutages) {
      client.on('ready', () => {
        this.#lastError = undefined;
        if (!this.#outageReported) return;
        this.#outageReported = false;
        this.#logger?.info(`Redis at ${this.url} is reachable again; the job queues resume.`);
      });
    }
    return client;
  }
}
