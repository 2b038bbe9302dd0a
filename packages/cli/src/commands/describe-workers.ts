import type { QueueWorkerInfo } from '@llama-stack-ts/jobs';

/** `workers for batch_inference (concurrency 2), ...`, or why there are none. */
export function describeWorkers(workers: readonly QueueWorkerInfo[]): string {
  if (workers.length === 0) return 'no queue to work on (no provider of this distribution declares one)';
  return `workers for ${workers.map((worker) => `${worker.queue} (concurrency ${worker.concurrency})`).join(', ')}`;
}
