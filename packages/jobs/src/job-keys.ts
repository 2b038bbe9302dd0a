import { InvalidRequestError } from '@llama-stack-ts/core';
import { QueueKeys } from 'bullmq';

/** BullMQ's job name of a job; its parts are `part` jobs in the same queue. */
export const jobName = 'job';
export const partName = 'part';

const queueNamePattern = /^[A-Za-z0-9_-]+$/;
const jobIdPattern = /^[A-Za-z0-9_.-]{1,200}$/;
/** A job's key is `<prefix>:<queue>:<id>`, so an id may not be the name of one of BullMQ's own queue keys. */
const reservedJobIds = new Set([...Object.keys(new QueueKeys().getKeys('queue')), 'metrics']);

/**
 * The Redis keys the engine keeps beside BullMQ's own (`<prefix>:<queue>:<job id>`, `…:wait`):
 * `~` never occurs in a queue name or a job id, so they cannot collide with a job's keys.
 */
export class JobKeys {
  constructor(
    readonly prefix: string,
    readonly queue: string,
  ) {}

  /** Sorted set of the queue's job ids by creation time, for `list()`; also claims ids atomically. */
  get index(): string {
    return `${this.prefix}:${this.queue}~index`;
  }

  /** Hash of cancelled job ids to their `Cancellation`. */
  get cancelled(): string {
    return `${this.prefix}:${this.queue}~cancelled`;
  }

  /** Hash of a job's parts' progress (`part:<index>`), their start time and the part that failed the job. */
  parts(jobId: string): string {
    return `${this.prefix}:${this.queue}~parts:${jobId}`;
  }

  /** BullMQ's key of a job: how `getChildrenValues()` names a part's result. */
  bullJobKey(bullJobId: string): string {
    return `${this.prefix}:${this.queue}:${bullJobId}`;
  }
}

/** The channel every worker process listens on for jobs to abort. */
export function interruptChannel(prefix: string): string {
  return `${prefix}~interrupt`;
}

/** A part's BullMQ job id; derived from its job's, so a part is found (and cancelled) from the job id alone. */
export function partJobId(jobId: string, partIndex: number): string {
  return `${jobId}~part-${partIndex}`;
}

export function assertQueueName(name: string): void {
  if (!queueNamePattern.test(name)) {
    throw new Error(
      `Job queue name '${name}' must be letters, digits, '_' and '-' only (e.g. batch_inference).`,
    );
  }
}

/**
 * BullMQ takes a number-only id for its own counter, `:` would break its keys, and an id such as
 * `wait` or `stalled` would be one of its queue's keys.
 */
export function assertJobId(jobId: string): void {
  if (!jobIdPattern.test(jobId) || /^\d+$/.test(jobId)) {
    throw new InvalidRequestError(
      'job_id',
      `'${jobId}' is not a valid job id: use 1 to 200 letters, digits, '_', '.' or '-', not digits alone.`,
    );
  }
  if (reservedJobIds.has(jobId)) {
    throw new InvalidRequestError(
      'job_id',
      `'${jobId}' names one of the queue's own records; pick another id (these are taken: ${[...reservedJobIds].filter(Boolean).join(', ')}).`,
    );
  }
}
