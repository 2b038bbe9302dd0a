import { randomUUID } from 'node:crypto';
import {
  type AddJobOptions,
  ConflictError,
  InvalidRequestError,
  type JobContext,
  type JobProgress,
  type JobQueue,
  type JobQueueDefinition,
  type JobRecord,
  NotFoundError,
  StackError,
} from '@llama-stack-ts/core';
import type { FlowProducer, Job, JobsOptions, Queue } from 'bullmq';
import type { JobAbortKind } from './job-abort-error.js';
import { assertJobId, type JobKeys, jobName, partJobId, partName } from './job-keys.js';
import {
  type Cancellation,
  parsePartsState,
  partsFields,
  type StoredJobData,
  type StoredPartData,
  type StoredPartProgress,
  toJobRecord,
} from './job-record.js';
import type { RedisConnections } from './redis-connections.js';

// biome-ignore lint/suspicious/noExplicitAny: a declared queue's types are the provider's business.
export type AnyJobQueueDefinition = JobQueueDefinition<any, any, any, any>;

/** What every process is told when a job must stop wherever it runs. */
export interface JobInterrupt {
  queue: string;
  jobId: string;
  kind: JobAbortKind;
  reason: string;
  /** Only the job's parts: the job itself is not running (a part failed it). */
  partsOnly: boolean;
}

export interface BullmqJobQueueParts {
  definition: AnyJobQueueDefinition;
  keys: JobKeys;
  queue: Queue;
  flows: FlowProducer;
  connections: RedisConnections;
  /** Publishes an interrupt to every worker process (this one included). */
  interrupt(interrupt: JobInterrupt): Promise<void>;
  /** Throws `DisposedError` once the engine is disposed. */
  assertOpen(): void;
  backoffDelayMs: number;
}

const defaultAttempts = 3;
const defaultListLimit = 100;
const maxListLimit = 1000;
const logPollMs = 250;

/**
 * A `JobQueue` on one BullMQ queue. A job is a BullMQ job named `job`; its parts are `part` jobs of
 * the same queue, children of the job in a BullMQ flow, so they run on any worker and the job runs
 * once they have all completed. Every method checks Redis first and throws `RedisUnavailableError`
 * (503) at once while it cannot be reached.
 */
export class BullmqJobQueue<Data = unknown, Result = unknown, Part = unknown>
  implements JobQueue<Data, Result, Part>
{
  readonly #parts: BullmqJobQueueParts;

  constructor(parts: BullmqJobQueueParts) {
    this.#parts = parts;
  }

  get name(): string {
    return this.#parts.definition.name;
  }

  get definition(): AnyJobQueueDefinition {
    return this.#parts.definition;
  }

  get attempts(): number {
    return this.#parts.definition.attempts ?? defaultAttempts;
  }

  add(data: Data, options: AddJobOptions<Part> = {}): Promise<JobRecord<Data, Result>> {
    return this.#redis(async () => {
      if (options.jobId !== undefined) assertJobId(options.jobId);
      const parts = options.parts ?? [];
      if (parts.length > 0 && !this.definition.processPart) {
        throw new Error(`Job queue '${this.name}' has no processPart, so its jobs cannot have parts.`);
      }
      const jobId = options.jobId ?? randomUUID();
      const createdAt = Date.now();
      const { commands } = this.#parts.connections;
      // ZADD NX claims the id atomically: two adds of one id cannot both succeed.
      if ((await commands.zadd(this.#parts.keys.index, 'NX', createdAt, jobId)) === 0) {
        throw new ConflictError(
          `A job with id '${jobId}' already exists in queue '${this.name}'; pick another job id, or leave it out for a random one.`,
          { field: 'job_id' },
        );
      }
      try {
        await this.#enqueue(jobId, createdAt, data, parts);
      } catch (error) {
        await commands.zrem(this.#parts.keys.index, jobId).catch(() => {});
        throw error;
      }
      return { id: jobId, queue: this.name, status: 'scheduled', data, createdAt, attempts: 0 };
    });
  }

  get(jobId: string): Promise<JobRecord<Data, Result> | undefined> {
    return this.#redis(() => this.#read(jobId)) as Promise<JobRecord<Data, Result> | undefined>;
  }

  list(options: { limit?: number; after?: string } = {}): Promise<JobRecord<Data, Result>[]> {
    return this.#redis(async () => {
      const limit = options.limit ?? defaultListLimit;
      if (!Number.isInteger(limit) || limit < 1 || limit > maxListLimit) {
        throw new InvalidRequestError(
          'limit',
          `must be a whole number from 1 to ${maxListLimit}; got ${limit}.`,
        );
      }
      const { commands } = this.#parts.connections;
      let start = 0;
      if (options.after !== undefined) {
        const rank = await commands.zrevrank(this.#parts.keys.index, options.after);
        if (rank === null) {
          throw new InvalidRequestError(
            'after',
            `no job '${options.after}' in queue '${this.name}' to list after.`,
          );
        }
        start = rank + 1;
      }
      const ids = await commands.zrevrange(this.#parts.keys.index, start, start + limit - 1);
      const records = await Promise.all(ids.map((id) => this.#read(id)));
      return records.filter((record) => record !== undefined) as JobRecord<Data, Result>[];
    });
  }

  cancel(jobId: string): Promise<JobRecord<Data, Result> | undefined> {
    return this.#redis(async () => {
      const record = await this.#read(jobId);
      if (
        !record ||
        record.status === 'completed' ||
        record.status === 'failed' ||
        record.status === 'cancelled'
      ) {
        return record as JobRecord<Data, Result> | undefined;
      }
      const at = Date.now();
      const cancellation: Cancellation = {
        at,
        reason: `Cancelled on request at ${new Date(at).toISOString()}.`,
      };
      await this.#parts.connections.commands.hsetnx(
        this.#parts.keys.cancelled,
        jobId,
        JSON.stringify(cancellation),
      );
      await this.#stop(jobId, 'cancelled', cancellation.reason, false);
      return ((await this.#read(jobId)) ?? record) as JobRecord<Data, Result>;
    });
  }

  async *logs(
    jobId: string,
    options: { follow?: boolean; signal?: AbortSignal } = {},
  ): AsyncIterable<string> {
    let next = 0;
    for (;;) {
      const record = await this.#redis(() => this.#read(jobId));
      if (!record) throw new NotFoundError('job', jobId, `No job has this id in queue '${this.name}'.`);
      const ended =
        record.status === 'completed' || record.status === 'failed' || record.status === 'cancelled';
      // Read after the status: the lines a job wrote before it ended are all there by now.
      const { logs } = await this.#redis(() => this.#parts.queue.getJobLogs(jobId, next, -1, true));
      for (const line of logs) {
        next++;
        yield line;
      }
      if (!options.follow || ended || options.signal?.aborted) return;
      if (!(await sleep(logPollMs, options.signal))) return;
    }
  }

  /** The job's cancellation, once `cancel()` has been called for it. */
  async cancellationOf(jobId: string): Promise<Cancellation | undefined> {
    const text = await this.#parts.connections.commands.hget(this.#parts.keys.cancelled, jobId);
    return text === null ? undefined : (JSON.parse(text) as Cancellation);
  }

  /** Runs `process` for a BullMQ `job`, with its parts' results in part order. */
  async runJob(job: Job, signal: AbortSignal): Promise<unknown> {
    const stored = job.data as StoredJobData;
    const partResults = stored.parts > 0 ? await this.#partResults(job, stored.parts) : [];
    const context: JobContext<unknown> = {
      jobId: job.id as string,
      data: stored.data,
      attempt: job.attemptsStarted,
      signal,
      log: async (line) => {
        await job.log(line);
      },
      setProgress: async (progress) => {
        await job.updateProgress(progress as object);
      },
    };
    return this.definition.process(context, partResults);
  }

  /** Runs `processPart` for a BullMQ `part`; its progress is kept where its job's record sums it. */
  async runPart(job: Job, signal: AbortSignal): Promise<unknown> {
    const { jobId, partIndex, part } = job.data as StoredPartData;
    const { commands } = this.#parts.connections;
    const partsKey = this.#parts.keys.parts(jobId);
    await commands.hsetnx(partsKey, partsFields.startedAt, Date.now());
    let latest: JobProgress | undefined;
    const context: JobContext<unknown> = {
      jobId,
      partIndex,
      data: part,
      attempt: job.attemptsStarted,
      signal,
      log: async (line) => {
        await this.#parts.queue.addJobLog(jobId, `[part ${partIndex}] ${line}`);
      },
      setProgress: async (progress) => {
        latest = progress;
        await Promise.all([
          job.updateProgress(progress as object),
          commands.hset(partsKey, partsFields.progress(partIndex), JSON.stringify(progress)),
        ]);
      },
    };
    // `add` refuses parts for a queue without processPart.
    const result = await this.definition.processPart!(context);
    const done: StoredPartProgress = { ...(latest ?? { completed: 0 }), done: true };
    await commands.hset(partsKey, partsFields.progress(partIndex), JSON.stringify(done));
    return result;
  }

  /** A part failed for good: the job fails with its reason, and the job's other parts stop. */
  async failForPart(jobId: string, partIndex: number, reason: string): Promise<void> {
    const message = `part ${partIndex} failed: ${reason}`;
    await this.#parts.connections.commands.hsetnx(
      this.#parts.keys.parts(jobId),
      partsFields.failure,
      message,
    );
    await this.#stop(jobId, 'part-failed', `Job '${jobId}' failed: ${message}`, true);
  }

  async #enqueue(jobId: string, createdAt: number, data: Data, parts: readonly Part[]): Promise<void> {
    const options: JobsOptions = {
      jobId,
      timestamp: createdAt,
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: this.#parts.backoffDelayMs },
    };
    const stored: StoredJobData = { data, parts: parts.length };
    if (parts.length === 0) {
      await this.#parts.queue.add(jobName, stored, options);
      return;
    }
    await this.#parts.flows.add({
      name: jobName,
      queueName: this.name,
      data: stored,
      opts: options,
      children: parts.map((part, partIndex) => ({
        name: partName,
        queueName: this.name,
        data: { jobId, partIndex, part } satisfies StoredPartData,
        opts: { ...options, jobId: partJobId(jobId, partIndex), failParentOnFailure: true },
      })),
    });
  }

  async #read(jobId: string): Promise<JobRecord | undefined> {
    // The state before the job's fields: a job that finishes between the two reads is then seen
    // as running, never as completed without its finishedOn and result (BullMQ writes those as it
    // moves the job, in one script).
    const state = await this.#parts.queue.getJobState(jobId);
    const job = await this.#parts.queue.getJob(jobId);
    if (!job || job.name !== jobName) return undefined;
    const stored = job.data as StoredJobData;
    const { commands } = this.#parts.connections;
    const [cancellation, partsHash] = await Promise.all([
      this.cancellationOf(jobId),
      stored.parts > 0 ? commands.hgetall(this.#parts.keys.parts(jobId)) : undefined,
    ]);
    return toJobRecord({
      queue: this.name,
      job,
      state,
      cancellation,
      parts: partsHash ? parsePartsState(partsHash) : undefined,
    });
  }

  async #partResults(job: Job, partCount: number): Promise<unknown[]> {
    const values = (await job.getChildrenValues()) ?? {};
    return Array.from({ length: partCount }, (_, partIndex) => {
      const key = this.#parts.keys.bullJobKey(partJobId(job.id as string, partIndex));
      if (!(key in values)) {
        throw new Error(
          `Part ${partIndex} of job '${job.id}' has no result, though the job's parts all completed.`,
        );
      }
      return values[key];
    });
  }

  /** Aborts the job (or only its parts) wherever it runs, and removes its parts that have not started. */
  async #stop(jobId: string, kind: JobAbortKind, reason: string, partsOnly: boolean): Promise<void> {
    await this.#parts.interrupt({ queue: this.name, jobId, kind, reason, partsOnly });
    const job = await this.#parts.queue.getJob(jobId);
    if (job && (job.data as StoredJobData).parts > 0) await job.removeUnprocessedChildren();
  }

  /** Runs a Redis operation, failing fast with the 503 while Redis is down (never waiting for it). */
  async #redis<Value>(operation: () => Promise<Value>): Promise<Value> {
    this.#parts.assertOpen();
    const { connections } = this.#parts;
    await connections.whenReachable();
    try {
      return await operation();
    } catch (error) {
      if (StackError.isInstance(error) || (connections.reachable && !isConnectionError(error))) throw error;
      throw connections.unavailableError(error);
    }
  }
}

/** What ioredis rejects a command with when the connection dropped under it (its status may lag behind). */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Command timed out/.test(
      error.message,
    )
  );
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
