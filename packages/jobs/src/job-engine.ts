import {
  DisposedError,
  type JobQueue,
  type JobQueueDefinition,
  type Jobs,
  type ProviderLogger,
} from '@llama-stack-ts/core';
import { FlowProducer, Queue, Worker } from 'bullmq';
import { type AnyJobQueueDefinition, BullmqJobQueue, type JobInterrupt } from './bullmq-job-queue.js';
import { JobAbortError } from './job-abort-error.js';
import type { JobEngineOptions } from './job-engine-options.js';
import { assertQueueName, interruptChannel, JobKeys } from './job-keys.js';
import { createJobProcessor } from './job-processor.js';
import { RedisConnections } from './redis-connections.js';
import { RunningJobs } from './running-jobs.js';

const defaultLockDurationMs = 30_000;
const defaultBackoffDelayMs = 1_000;
const defaultShutdownTimeoutMs = 10_000;
/** How long aborted jobs get to hand themselves back before the workers are left to their lock expiry. */
const handBackTimeoutMs = 5_000;

export interface JobEngineHealth {
  status: 'ok' | 'error';
  message: string;
}

/** A queue a worker process serves. */
export interface QueueWorkerInfo {
  queue: string;
  concurrency: number;
}

/**
 * The stack's job engine: core's `Jobs` on BullMQ and Redis. Every process of a distribution
 * declares the same queues; those that call `startWorkers()` run them. Creating an engine never
 * throws or waits for Redis: while Redis is down every queue operation fails at once with a 503
 * (`RedisUnavailableError`), `health()` says why, and everything resumes when Redis returns.
 *
 * ```ts
 * await using engine = new JobEngine({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'llama-stack-ts:local' });
 * const queue = engine.queue({ name: 'echo', process: async (job) => job.data });
 * engine.startWorkers();
 * await queue.add({ text: 'hi' });
 * ```
 */
export class JobEngine implements Jobs {
  readonly prefix: string;
  readonly #connections: RedisConnections;
  readonly #flows: FlowProducer;
  readonly #queues = new Map<string, BullmqJobQueue>();
  readonly #bullQueues = new Map<string, Queue>();
  readonly #workers = new Map<string, Worker>();
  readonly #running = new RunningJobs();
  readonly #logger: ProviderLogger | undefined;
  readonly #lockDurationMs: number;
  readonly #stalledIntervalMs: number;
  readonly #backoffDelayMs: number;
  readonly #shutdownTimeoutMs: number;
  readonly #concurrency: Readonly<Record<string, number>>;
  #workersStarted = false;
  #closingWorkers: Promise<void> | undefined;
  #disposing: Promise<void> | undefined;

  constructor(options: JobEngineOptions) {
    this.prefix = options.prefix;
    this.#logger = options.logger;
    this.#lockDurationMs = options.lockDurationMs ?? defaultLockDurationMs;
    this.#stalledIntervalMs = options.stalledIntervalMs ?? this.#lockDurationMs;
    this.#backoffDelayMs = options.backoffDelayMs ?? defaultBackoffDelayMs;
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? defaultShutdownTimeoutMs;
    this.#concurrency = options.concurrency ?? {};
    this.#connections = new RedisConnections(options.redisUrl, options.logger);
    this.#flows = new FlowProducer({ connection: this.#connections.commands, prefix: this.prefix });
    this.#flows.on('error', (error) => this.#reportError('flow producer', error));
  }

  /** The (password-free) Redis URL, for messages. */
  get redisUrl(): string {
    return this.#connections.url;
  }

  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  /** The declared queues as BullMQ sees them, for tools that speak BullMQ (the Bull Board dashboard). */
  get bullmqQueues(): Queue[] {
    return [...this.#bullQueues.values()];
  }

  /** The declared queues' names, in declaration order. */
  get queueNames(): string[] {
    return [...this.#queues.keys()];
  }

  queue<Data, Result, Part = never, PartResult = never>(
    definition: JobQueueDefinition<Data, Result, Part, PartResult>,
  ): JobQueue<Data, Result, Part> {
    this.#assertOpen();
    assertQueueName(definition.name);
    if (this.#queues.has(definition.name)) {
      throw new Error(
        `Job queue '${definition.name}' is declared twice; each queue name is declared once per distribution.`,
      );
    }
    const bullQueue = new Queue(definition.name, {
      connection: this.#connections.commands,
      prefix: this.prefix,
    });
    bullQueue.on('error', (error) => this.#reportError(`queue '${definition.name}'`, error));
    const queue = new BullmqJobQueue<Data, Result, Part>({
      definition: definition as AnyJobQueueDefinition,
      keys: new JobKeys(this.prefix, definition.name),
      queue: bullQueue,
      flows: this.#flows,
      connections: this.#connections,
      interrupt: (interrupt) => this.#publishInterrupt(interrupt),
      assertOpen: () => this.#assertOpen(),
      backoffDelayMs: this.#backoffDelayMs,
    });
    this.#queues.set(definition.name, queue as BullmqJobQueue);
    this.#bullQueues.set(definition.name, bullQueue);
    if (this.#workersStarted && !this.#closingWorkers) this.#startWorker(queue as BullmqJobQueue);
    return queue;
  }

  /**
   * Runs a worker for every declared queue in this process (and for queues declared later), each
   * with its concurrency. Returns at once, also while Redis is down: the workers start taking jobs
   * when it can be reached.
   */
  startWorkers(): QueueWorkerInfo[] {
    this.#assertOpen();
    if (this.#closingWorkers)
      throw new Error('The job workers of this engine are shutting down; they cannot start again.');
    if (!this.#workersStarted) {
      this.#workersStarted = true;
      const { subscriber } = this.#connections;
      subscriber.on('message', (_channel: string, message: string) => this.#onInterrupt(message));
      subscriber.subscribe(interruptChannel(this.prefix)).catch((error: unknown) => {
        if (!this.disposed) this.#reportError('interrupt subscription', error);
      });
    }
    for (const queue of this.#queues.values()) if (!this.#workers.has(queue.name)) this.#startWorker(queue);
    return this.workers();
  }

  /** The queues this process runs workers for. */
  workers(): QueueWorkerInfo[] {
    return [...this.#workers.entries()].map(([queue, worker]) => ({
      queue,
      concurrency: worker.concurrency,
    }));
  }

  /** `ok` while Redis answers; `error` with the reason (and how to fix it) while it does not. */
  async health(): Promise<JobEngineHealth> {
    if (this.disposed) return { status: 'error', message: 'The job engine is shut down.' };
    const connections = this.#connections;
    if (!connections.reachable) return { status: 'error', message: connections.unavailableError().message };
    try {
      await connections.commands.ping();
    } catch (error) {
      return { status: 'error', message: connections.unavailableError(error).message };
    }
    const queues = this.queueNames.join(', ') || 'none declared';
    const workers =
      this.#workers.size > 0
        ? `workers for ${[...this.#workers.keys()].join(', ')}`
        : 'no workers in this process';
    return { status: 'ok', message: `Redis at ${connections.url}; queues: ${queues}; ${workers}.` };
  }

  /**
   * Stops the workers: they take no new jobs, running ones get `shutdownTimeoutMs` to finish, and
   * those still running are then aborted and handed back to the queue for another worker. Queue
   * operations keep working. Idempotent.
   */
  closeWorkers(): Promise<void> {
    this.#closingWorkers ??= this.#drainWorkers();
    return this.#closingWorkers;
  }

  /** Drains the workers (`closeWorkers`), then closes the queues and the Redis connections. Idempotent. */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      await this.closeWorkers();
      const closing = [...this.#bullQueues.values(), this.#flows].map((closable) => closable.close());
      await withinTimeout(Promise.allSettled(closing), handBackTimeoutMs);
      this.#connections.dispose();
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #startWorker(queue: BullmqJobQueue): void {
    const concurrency = this.#concurrency[queue.name] ?? queue.definition.concurrency ?? 1;
    const worker = new Worker(queue.name, createJobProcessor(queue, this.#running), {
      connection: this.#connections.workers,
      prefix: this.prefix,
      concurrency,
      lockDuration: this.#lockDurationMs,
      stalledInterval: this.#stalledIntervalMs,
    });
    worker.on('error', (error) => this.#reportError(`worker of '${queue.name}'`, error));
    this.#workers.set(queue.name, worker);
  }

  async #drainWorkers(): Promise<void> {
    const workers = [...this.#workers.values()];
    if (workers.length === 0) return;
    let closed = false;
    void Promise.allSettled(workers.map((worker) => worker.close())).then(() => {
      closed = true;
    });
    // Closed workers take no new jobs. Without Redis they cannot close (nor record anything), so
    // the wait ends as soon as no job runs here; `dispose()` then ends the connections they wait on.
    const settled = () => closed || (!this.#connections.reachable && this.#running.count() === 0);
    if (await waitUntil(settled, this.#shutdownTimeoutMs)) return;
    this.#logger?.warn(
      `${this.#running.count()} job(s) still running ${this.#shutdownTimeoutMs} ms into the shutdown; aborting them: ` +
        'they go back to the queue for another worker.',
    );
    for (const worker of workers) worker.cancelAllJobs('shutdown');
    if (!(await waitUntil(settled, handBackTimeoutMs))) {
      this.#logger?.warn(
        'Some jobs ignored their abort signal; another worker runs them again once their lock expires ' +
          `(${this.#lockDurationMs} ms, jobs.lock_duration_ms).`,
      );
    }
  }

  async #publishInterrupt(interrupt: JobInterrupt): Promise<void> {
    // This process may run the job too, subscribed or not: abort it here at once.
    this.#abortRunning(interrupt);
    await this.#connections.commands.publish(interruptChannel(this.prefix), JSON.stringify(interrupt));
  }

  #onInterrupt(message: string): void {
    let interrupt: JobInterrupt;
    try {
      interrupt = JSON.parse(message) as JobInterrupt;
    } catch {
      return;
    }
    this.#abortRunning(interrupt);
  }

  #abortRunning(interrupt: JobInterrupt): void {
    const reason = new JobAbortError(interrupt.kind, interrupt.reason);
    this.#running.abort(interrupt.queue, interrupt.jobId, reason, interrupt.partsOnly);
  }

  /** Connection failures are reported once per outage by the connections; everything else is logged. */
  #reportError(source: string, error: unknown): void {
    if (!this.#connections.reachable || this.disposed) return;
    this.#logger?.error(`job engine ${source}: ${(error as Error)?.message ?? String(error)}`);
  }

  #assertOpen(): void {
    if (this.disposed) throw new DisposedError('The job engine');
  }
}

/** Whether `promise` settled within `ms`. */
async function withinTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `condition` held within `ms`, checked every 50 ms. */
async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
