import { hostname } from 'node:os';
import type { JobContext, ProviderLogger } from '@llama-stack-ts/core';

/** This process among the workers of a queue, which may run on several machines. */
const workerIdentity = `${hostname()}:${process.pid}`;

/**
 * Says which worker took a part, in the process's log and the job's: parts of one job spread over
 * every worker on the queue, and a part retried after its worker died shows up on another.
 */
export async function logPartStarted(logger: ProviderLogger, part: JobContext<unknown>): Promise<void> {
  const partIndex = part.partIndex ?? 0;
  logger.info('batch part started', {
    job_id: part.jobId,
    part: partIndex,
    attempt: part.attempt,
    worker: workerIdentity,
  });
  await part.log(`started on ${workerIdentity} (attempt ${part.attempt})`);
}
