import { resolve } from 'node:path';
import { type BatchInferenceJob, StackError } from '@llama-stack-ts/core';
import { CliError } from '../cli-error.js';
import { type ServerConnectionOptions, stackClientFor } from './stack-client-options.js';
import { waitForBatchJob } from './wait-for-batch-job.js';

export interface BatchSubmitOptions extends ServerConnectionOptions {
  model: string;
  numGenerations?: number;
  maxTokens?: number;
  temperature?: number;
  /** False with `--no-wait`. */
  wait?: boolean;
}

export interface BatchStatusOptions extends ServerConnectionOptions {
  wait?: boolean;
}

/**
 * `llama-stack-ts batch submit <prompt-file>`: submits a seed batch job over a JSONL file of prompts
 * (a path the server reads, resolved against the current folder), then waits for it with a progress
 * bar on stderr unless `--no-wait`. Prints the job as JSON on stdout; exits 1 when it failed.
 */
export async function batchSubmitCommand(promptFile: string, options: BatchSubmitOptions): Promise<void> {
  const client = stackClientFor(options);
  await reportStackErrors(async () => {
    const submitted = await client.batchInference.submitJob({
      model: options.model,
      prompt_file_path: { type: 'filepath', value: resolve(promptFile) },
      ...(options.numGenerations ? { num_generations: options.numGenerations } : {}),
      options: {
        ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      },
    });
    printJob(options.wait === false ? submitted : await waitForBatchJob(client, submitted.job_id));
  });
}

/** `llama-stack-ts batch status <job-id>`: prints the job as JSON, after waiting for it with `--wait`. */
export async function batchStatusCommand(jobId: string, options: BatchStatusOptions): Promise<void> {
  const client = stackClientFor(options);
  await reportStackErrors(async () => {
    printJob(
      options.wait
        ? await waitForBatchJob(client, jobId)
        : await client.batchInference.getJobStatus({ job_id: jobId }),
    );
  });
}

function printJob(job: BatchInferenceJob): void {
  process.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
  if (job.status === 'failed') throw new CliError(`Batch job ${job.job_id} failed.`);
}

/** The server's answer (a 404 for an unknown job, a 400 naming the field) as the CLI's message. */
async function reportStackErrors(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof StackError) throw new CliError(error.message);
    throw error;
  }
}
