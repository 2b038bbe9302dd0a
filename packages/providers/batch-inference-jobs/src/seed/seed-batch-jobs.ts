import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BatchInferenceJob,
  type BatchInferenceJobStatus,
  type BatchInferencePath,
  type GetBatchInferenceJobStatusRequest,
  InvalidRequestError,
  type JobQueue,
  type JobRecord,
  type JobStatus,
  NotFoundError,
  type RequestOptions,
  type SubmitBatchInferenceJobRequest,
} from '@llama-stack-ts/core';
import { readJsonIfPresent, writeFileAtomically } from '../atomic-files.js';
import { type BatchPaths, batchPaths } from '../batch-paths.js';
import { scanInput } from '../input/scan-input.js';
import type { JobsBatchContext } from '../jobs-batch-context.js';
import { assembleParts } from '../parts/assemble-parts.js';
import type { LineCounts } from '../parts/line-outcome.js';
import { partProcessor } from '../parts/part-processor.js';
import type { PartRange } from '../parts/part-range.js';
import { openPromptFile } from './open-prompt-file.js';
import { runSeedLine, type SeedGenerationSpec } from './run-seed-line.js';

/** A seed job as its queue keeps it. */
export interface SeedJobData extends SeedGenerationSpec {
  /** The prompt file as `job_status` reports it (raw bytes: the job's copy of them). */
  input_file_path: BatchInferencePath;
  /** Prompt lines (non-blank). */
  lines: number;
}

/** A part carries what its lines are generated with: a part runs without its job's data. */
export interface SeedPart extends PartRange, SeedGenerationSpec {}

export const seedQueueName = 'batch_inference';

const statuses: Readonly<Record<JobStatus, BatchInferenceJobStatus>> = {
  scheduled: 'validating',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'failed',
};

/**
 * The seed's Batch Inference API (`/batch_inference/submit_job`, `/batch_inference/job_status`) on
 * the job engine: `submit` copies the prompt file into the job's directory and cuts it into parts,
 * the parts run on any worker, and the job writes `output.jsonl` (one `{ line, generations }` per
 * prompt, in prompt order) and `errors.jsonl` (the lines that failed, and why).
 */
export class SeedBatchJobs {
  readonly #context: JobsBatchContext;
  readonly #queue: JobQueue<SeedJobData, LineCounts, SeedPart>;
  readonly #root: string;

  constructor(context: JobsBatchContext) {
    this.#context = context;
    this.#root = context.dir('seed-jobs');
    this.#queue = context.jobs.queue<SeedJobData, LineCounts, SeedPart, LineCounts>({
      name: seedQueueName,
      concurrency: 2,
      processPart: partProcessor<SeedPart>({
        root: this.#root,
        logger: context.logger,
        runLine: (line, part, signal) => runSeedLine(line, part, context.inference, signal),
      }),
      process: async (job, parts) => {
        const paths = batchPaths(this.#root, job.jobId);
        const summary = join(paths.dir, 'summary.json');
        const before = await readJsonIfPresent<LineCounts>(summary);
        if (before) return before;
        const counts = await assembleParts({
          partsDir: paths.parts,
          partCount: parts.length,
          outputPath: paths.output,
          errorsPath: paths.errors,
          mode: 'complete',
        });
        // The counts outlive the parts, so a run again after a crash answers the same.
        await writeFileAtomically(summary, JSON.stringify(counts));
        await rm(paths.parts, { recursive: true, force: true });
        await job.log(`${counts.succeeded} prompt(s) answered, ${counts.failed} failed`);
        return counts;
      },
    });
  }

  async submitJob(
    request: SubmitBatchInferenceJobRequest,
    options: RequestOptions = {},
  ): Promise<BatchInferenceJob> {
    const { config, checkModel, urlPolicy, providerType } = this.#context;
    await checkModel(request.model, 'model');
    const jobId = randomUUID();
    const paths = batchPaths(this.#root, jobId);
    const timeout = AbortSignal.timeout(config.fetch_timeout_ms);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    await mkdir(paths.parts, { recursive: true });
    try {
      const source = await openPromptFile(request.prompt_file_path, {
        policy: urlPolicy,
        maxBytes: config.max_input_bytes,
        signal,
        provider: providerType,
      });
      const { lines, parts } = await scanInput(source, {
        destination: paths.input,
        linesPerPart: config.lines_per_part,
        signal,
      });
      if (lines === 0) {
        throw new InvalidRequestError('prompt_file_path', 'holds no prompts: every line is blank');
      }
      const spec: SeedGenerationSpec = {
        model: request.model,
        options: request.options,
        num_generations: request.num_generations,
      };
      const input: BatchInferencePath =
        request.prompt_file_path.type === 'raw_bytes'
          ? { type: 'filepath', value: paths.input }
          : request.prompt_file_path;
      const record = await this.#queue.add(
        { ...spec, input_file_path: input, lines },
        { jobId, parts: parts.map((part) => ({ ...part, ...spec })) },
      );
      this.#context.logger.info('batch inference job submitted', {
        job_id: jobId,
        lines,
        parts: parts.length,
      });
      return toBatchInferenceJob(record, paths);
    } catch (error) {
      await rm(paths.dir, { recursive: true, force: true });
      throw error;
    }
  }

  async getJobStatus({ job_id }: GetBatchInferenceJobStatusRequest): Promise<BatchInferenceJob> {
    const record = await this.#queue.get(job_id);
    if (!record) {
      throw new NotFoundError(
        'batch inference job',
        job_id,
        'Use the job_id POST /batch_inference/submit_job answered with.',
      );
    }
    return toBatchInferenceJob(record, batchPaths(this.#root, job_id));
  }
}

function toBatchInferenceJob(
  record: JobRecord<SeedJobData, LineCounts>,
  paths: BatchPaths,
): BatchInferenceJob {
  const { data, result, progress } = record;
  const counts = result ?? (progress?.details as Partial<LineCounts> | undefined);
  const completed = record.status === 'completed' && result !== undefined;
  return {
    job_id: record.id,
    created: new Date(record.createdAt).toISOString(),
    status: statuses[record.status],
    input_file_path: data.input_file_path,
    ...(completed ? { success_file_path: { type: 'filepath', value: paths.output } } : {}),
    ...(completed && result.failed > 0 ? { error_file_path: { type: 'filepath', value: paths.errors } } : {}),
    metadata: {
      model: data.model,
      num_generations: data.num_generations,
      lines: {
        total: data.lines,
        done: completed ? data.lines : (progress?.completed ?? 0),
        succeeded: counts?.succeeded ?? 0,
        failed: counts?.failed ?? 0,
      },
      ...(record.error ? { error: record.error } : {}),
    },
  };
}
