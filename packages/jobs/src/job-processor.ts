import { StackError } from '@llama-stack-ts/core';
import { DelayedError, type Job, type Processor, UnrecoverableError } from 'bullmq';
import type { BullmqJobQueue } from './bullmq-job-queue.js';
import { JobAbortError } from './job-abort-error.js';
import { partName } from './job-keys.js';
import type { StoredPartData } from './job-record.js';
import type { RunningJobs } from './running-jobs.js';

/**
 * The BullMQ processor of a queue: runs a `job` or a `part` with a signal that interrupts abort,
 * and turns how it ended into what BullMQ should do next:
 * - cancelled (before or while it ran): fail at once with the cancellation's reason;
 * - a `StackError` with a 4xx status: fail at once (`UnrecoverableError`), its message the reason;
 * - the worker shutting down: back to the queue without using up a try;
 * - anything else: retry with exponential backoff until the queue's `attempts` are used up. A part
 *   that fails for good fails its job, and the job's other parts stop.
 */
export function createJobProcessor(queue: BullmqJobQueue, running: RunningJobs): Processor {
  // BullMQ passes `signal` only to a processor that declares three parameters.
  return async function processJob(job: Job, token: string | undefined, bullSignal: AbortSignal | undefined) {
    const bullJobId = job.id as string;
    const part = job.name === partName ? (job.data as StoredPartData) : undefined;
    const jobId = part?.jobId ?? bullJobId;
    const controller = running.add(queue.name, bullJobId, jobId);
    // BullMQ aborts its signal on `worker.cancelAllJobs()`: the drain of a worker shutting down.
    const onShutdown = () =>
      controller.abort(
        new JobAbortError('shutdown', 'The worker is shutting down; the job goes back to the queue.'),
      );
    bullSignal?.addEventListener('abort', onShutdown, { once: true });
    try {
      const cancelled = await queue.cancellationOf(jobId);
      if (cancelled) throw new UnrecoverableError(cancelled.reason);
      let result: unknown;
      try {
        result = part
          ? await queue.runPart(job, controller.signal)
          : await queue.runJob(job, controller.signal);
        controller.signal.throwIfAborted();
      } catch (error) {
        throw await settleFailure(error, { queue, job, token, signal: controller.signal, part });
      }
      // A cancel that arrived as the work finished still wins: the job ends cancelled, not completed.
      const cancelledLate = await queue.cancellationOf(jobId);
      if (cancelledLate) throw new UnrecoverableError(cancelledLate.reason);
      return result;
    } finally {
      bullSignal?.removeEventListener('abort', onShutdown);
      running.delete(queue.name, bullJobId);
    }
  };
}

interface FailureContext {
  queue: BullmqJobQueue;
  job: Job;
  token: string | undefined;
  signal: AbortSignal;
  part: StoredPartData | undefined;
}

async function settleFailure(
  error: unknown,
  { queue, job, token, signal, part }: FailureContext,
): Promise<Error> {
  const abort = signal.aborted && JobAbortError.isInstance(signal.reason) ? signal.reason : undefined;
  if (abort?.kind === 'shutdown') {
    // Handed back without using up a try; BullMQ moves on when the processor throws DelayedError.
    if (token) await job.moveToDelayed(Date.now(), token);
    return new DelayedError();
  }
  if (abort) return new UnrecoverableError(abort.message);
  const permanent = StackError.isInstance(error) && error.status >= 400 && error.status < 500;
  const failure = permanent ? new UnrecoverableError(error.message) : toError(error);
  const lastTry = job.attemptsMade + 1 >= queue.attempts;
  if (part && (permanent || lastTry)) await queue.failForPart(part.jobId, part.partIndex, failure.message);
  return failure;
}

function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(typeof error === 'string' ? error : `the processor threw ${JSON.stringify(error)}`);
}
