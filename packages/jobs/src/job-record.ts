import type { JobProgress, JobRecord, JobStatus } from '@llama-stack-ts/core';
import type { Job, JobState } from 'bullmq';

/** What a BullMQ `job` holds: the caller's data and how many parts it was split into. */
export interface StoredJobData {
  data: unknown;
  parts: number;
}

/** What a BullMQ `part` holds. */
export interface StoredPartData {
  jobId: string;
  partIndex: number;
  part: unknown;
}

/** Stored (as JSON) under the job's id in the queue's `cancelled` hash. */
export interface Cancellation {
  /** Milliseconds since the epoch. */
  at: number;
  reason: string;
}

/** A part's last reported progress; `done` once the part has completed. */
export interface StoredPartProgress extends JobProgress {
  done?: boolean;
}

/** The `parts` hash of a job, parsed: when its first part started, each part's progress, and the part that failed it. */
export interface PartsState {
  startedAt?: number;
  progress: ReadonlyMap<number, StoredPartProgress>;
  failure?: string;
}

export const partsFields = {
  startedAt: 'started',
  failure: 'failure',
  progress: (partIndex: number) => `part:${partIndex}`,
} as const;

export function parsePartsState(hash: Readonly<Record<string, string>>): PartsState {
  const progress = new Map<number, StoredPartProgress>();
  for (const [field, value] of Object.entries(hash)) {
    const match = /^part:(\d+)$/.exec(field);
    if (match) progress.set(Number(match[1]), JSON.parse(value) as StoredPartProgress);
  }
  const startedAt = hash[partsFields.startedAt];
  return {
    ...(startedAt ? { startedAt: Number(startedAt) } : {}),
    progress,
    ...(hash[partsFields.failure] ? { failure: hash[partsFields.failure] } : {}),
  };
}

export interface JobRecordSources {
  queue: string;
  job: Job;
  state: JobState | 'unknown';
  cancellation: Cancellation | undefined;
  /** Absent for a job without parts. */
  parts: PartsState | undefined;
}

/**
 * A BullMQ job as a `JobRecord`. A cancelled job stays `cancelled` whatever BullMQ shows while
 * its worker winds down, unless it completed first (then its result stands). A job whose first try
 * (or first part) has started is `running` until it ends, retries and hand-backs included.
 */
export function toJobRecord({ queue, job, state, cancellation, parts }: JobRecordSources): JobRecord {
  const stored = job.data as StoredJobData;
  const status = statusOf(job, state, cancellation, parts);
  const startedAt = earliest(parts?.startedAt, job.processedOn);
  const finishedAt = status === 'cancelled' ? cancellation?.at : job.finishedOn;
  const progress = ownProgress(job.progress) ?? (parts ? sumPartsProgress(stored.parts, parts) : undefined);
  const error =
    status === 'cancelled'
      ? cancellation?.reason
      : status === 'failed'
        ? (parts?.failure ?? job.failedReason)
        : undefined;
  return {
    id: job.id as string,
    queue,
    status,
    data: stored.data,
    createdAt: job.timestamp,
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(finishedAt && status !== 'running' && status !== 'scheduled' ? { finishedAt } : {}),
    ...(progress ? { progress } : {}),
    ...(status === 'completed' ? { result: job.returnvalue ?? undefined } : {}),
    ...(error ? { error } : {}),
    attempts: job.attemptsStarted,
  };
}

function statusOf(
  job: Job,
  state: JobState | 'unknown',
  cancellation: Cancellation | undefined,
  parts: PartsState | undefined,
): JobStatus {
  if (state === 'completed') return 'completed';
  if (cancellation) return 'cancelled';
  if (state === 'failed') return 'failed';
  if (state === 'active') return 'running';
  return job.processedOn || parts?.startedAt ? 'running' : 'scheduled';
}

function earliest(...times: (number | undefined)[]): number | undefined {
  const known = times.filter((time): time is number => typeof time === 'number' && time > 0);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/** The progress `setProgress` stored on the job itself (BullMQ's default is the number 0). */
function ownProgress(progress: unknown): JobProgress | undefined {
  if (typeof progress !== 'object' || progress === null) return undefined;
  return typeof (progress as JobProgress).completed === 'number' ? (progress as JobProgress) : undefined;
}

/**
 * A job's progress from its parts': each part's `completed` and `total` summed. A part that
 * reported no total counts as one unit: 0 of 1 until it completes, then 1 of 1; a completed part
 * that reported a total counts as all of it. Numeric `details` are summed too (a batch's
 * succeeded and failed lines); other details are left out, as parts' values cannot be merged.
 */
export function sumPartsProgress(partCount: number, parts: PartsState): JobProgress {
  let completed = 0;
  let total = 0;
  const details: Record<string, number> = {};
  for (let index = 0; index < partCount; index++) {
    const part = parts.progress.get(index);
    if (part?.total === undefined) {
      total += 1;
      completed += part?.done ? 1 : 0;
    } else {
      total += part.total;
      completed += part.done ? part.total : part.completed;
    }
    for (const [name, value] of Object.entries(part?.details ?? {})) {
      if (typeof value === 'number') details[name] = (details[name] ?? 0) + value;
    }
  }
  return Object.keys(details).length > 0 ? { completed, total, details } : { completed, total };
}
