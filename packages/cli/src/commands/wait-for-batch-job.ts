import { setTimeout as sleep } from 'node:timers/promises';
import type { StackClient } from '@llama-stack-ts/client';
import type { BatchInferenceJob } from '@llama-stack-ts/core';
import { ProgressBar, type ProgressStream } from '@llama-stack-ts/provider-utils';

export interface WaitForBatchJobOptions {
  /** Milliseconds between two status requests. Default 500. */
  pollMs?: number;
  /** Where the progress bar is drawn. Default `process.stderr`. */
  stream?: ProgressStream;
}

/** The line counts the `inline::jobs` provider keeps in a seed job's `metadata.lines`. */
interface JobLines {
  total: number;
  done: number;
}

/**
 * Polls a seed batch job (`/batch_inference/job_status`) until it has ended, drawing its lines
 * done as a progress bar; resolves to the ended job.
 */
export async function waitForBatchJob(
  client: StackClient,
  jobId: string,
  options: WaitForBatchJobOptions = {},
): Promise<BatchInferenceJob> {
  const bar = new ProgressBar({
    label: `Batch ${jobId}`,
    unit: 'lines',
    ...(options.stream ? { stream: options.stream } : {}),
  });
  for (;;) {
    const job = await client.batchInference.getJobStatus({ job_id: jobId });
    const lines = jobLines(job);
    if (lines) bar.update(lines.done, lines.total);
    if (job.status === 'completed' || job.status === 'failed') {
      bar.finish(job.status === 'failed');
      return job;
    }
    await sleep(options.pollMs ?? 500);
  }
}

function jobLines(job: BatchInferenceJob): JobLines | undefined {
  const lines = job.metadata.lines as Partial<JobLines> | undefined;
  if (typeof lines?.total !== 'number' || typeof lines.done !== 'number') return undefined;
  return { total: lines.total, done: lines.done };
}
