import { randomInt, randomUUID } from 'node:crypto';
import {
  ConflictError,
  type Datasets,
  type Inference,
  InvalidRequestError,
  type JobQueue,
  type JobRecord,
  type Jobs,
  NotFoundError,
  type ProviderLogger,
  type RequestOptions,
  type RewardScoring,
  StackError,
  type SyntheticDataGeneration,
  type SyntheticDataGenerationJob,
  type SyntheticDataGenerationJobRequest,
  type SyntheticDataGenerationRequest,
  type SyntheticDataGenerationResponse,
  type SyntheticDataGenerationResult,
} from '@llama-stack-ts/core';
import { type ResolvedRun, resolveRun } from './resolve-run.js';
import { type RunGenerationOptions, runGeneration } from './run-generation.js';
import { saveAsDataset } from './save-as-dataset.js';
import type { SyntheticDataConfig } from './synthetic-data-config.js';

/** The job queue of large runs; every process of a distribution declares it (see `Jobs.queue`). */
export const syntheticDataQueueName = 'synthetic_data_generation';

export interface ReferenceSyntheticDataGenerationOptions {
  config: SyntheticDataConfig;
  inference: Pick<Inference, 'chatCompletion' | 'modelInfo'>;
  rewardScoring: RewardScoring;
  /** Absent when the distribution serves no datasets API: `save_as_dataset` is then a 400. */
  datasets?: Datasets | undefined;
  /** Absent when the manifest has no `jobs:`: every run is answered within its request. */
  jobs?: Jobs | undefined;
  logger?: ProviderLogger | undefined;
}

/**
 * `inline::reference`: synthetic data generation over the stack's own APIs. Candidates come from
 * the inference API, scores from the reward scoring API (whichever provider serves the reward
 * model), saved datasets go through the Datasets API. A run of more than
 * `max_candidates_in_request` candidates is queued in the job engine instead of holding the
 * request open; its status, progress, result and cancellation are the `job` routes.
 */
export class ReferenceSyntheticDataGeneration implements SyntheticDataGeneration {
  readonly #options: ReferenceSyntheticDataGenerationOptions;
  readonly #queue: JobQueue<ResolvedRun, SyntheticDataGenerationResult> | undefined;

  constructor(options: ReferenceSyntheticDataGenerationOptions) {
    this.#options = options;
    this.#queue = options.jobs?.queue<ResolvedRun, SyntheticDataGenerationResult>({
      name: syntheticDataQueueName,
      // A run already keeps every sequence of the generation model busy.
      concurrency: 1,
      process: async (job) => {
        const total = job.data.prompts.length * job.data.k;
        await job.log(
          `generating ${total} candidates with '${job.data.generationModel}' (seed ${job.data.seed})`,
        );
        return this.#execute(job.data, {
          signal: job.signal,
          onProgress: (completed) => job.setProgress({ completed, total }),
          jobId: job.jobId,
        });
      },
    });
  }

  async generate(
    request: SyntheticDataGenerationRequest,
    options: RequestOptions = {},
  ): Promise<SyntheticDataGenerationResponse> {
    const run = resolveRun(request, this.#options.config, {
      newSeed: () => randomInt(2 ** 31 - 1),
      newDatasetId: () => `sdg-${randomUUID()}`,
    });
    if (run.datasetId) await this.#checkDatasetIdFree(run.datasetId, options);
    // Also answers an unknown or wrong generation model (404, 400) before anything is queued or run.
    const concurrency = await this.#concurrency(run.generationModel, options.signal);
    const candidates = run.prompts.length * run.k;
    if (this.#queue && candidates > this.#options.config.max_candidates_in_request) {
      const record = await this.#queue.add(run, { jobId: `sdg-${randomUUID()}` });
      this.#options.logger?.info('queued synthetic data generation', { job_id: record.id, candidates });
      return { synthetic_data: [], statistics: null, job: toJob(record) };
    }
    return this.#execute(run, options, concurrency);
  }

  async getJobStatus({ job_id }: SyntheticDataGenerationJobRequest): Promise<SyntheticDataGenerationJob> {
    const record = await this.#queue?.get(job_id);
    if (!record) throw unknownJob(job_id);
    return toJob(record);
  }

  async cancelJob({ job_id }: SyntheticDataGenerationJobRequest): Promise<SyntheticDataGenerationJob> {
    const record = await this.#queue?.cancel(job_id);
    if (!record) throw unknownJob(job_id);
    return toJob(record);
  }

  async #execute(
    run: ResolvedRun,
    options: RunGenerationOptions & { jobId?: string },
    concurrency?: number,
  ): Promise<SyntheticDataGenerationResult> {
    concurrency ??= await this.#concurrency(run.generationModel, options.signal);
    const outcome = await runGeneration(
      run,
      { inference: this.#options.inference, rewardScoring: this.#options.rewardScoring, concurrency },
      options,
    );
    if (run.datasetId && this.#options.datasets) {
      await saveAsDataset(this.#options.datasets, run.datasetId, run, outcome.synthetic_data, {
        signal: options.signal,
        jobId: options.jobId,
      });
    }
    this.#options.logger?.info('generated synthetic data', { ...outcome.statistics });
    return { ...outcome, dataset_id: run.datasetId ?? null };
  }

  /** The generation model's parallel sequences, as its provider reports them; else the config's. */
  async #concurrency(model: string, signal: AbortSignal | undefined): Promise<number> {
    try {
      const info = await this.#options.inference.modelInfo?.({ model }, { signal });
      return info?.parallel_sequences ?? this.#options.config.max_concurrency;
    } catch (error) {
      // A provider without modelInfo (501) still generates; an unknown or wrong model fails here, before any work.
      if (StackError.isInstance(error) && error.status === 501) return this.#options.config.max_concurrency;
      throw error;
    }
  }

  /** A run must not end in a conflict after all its work: the uuid is checked first. */
  async #checkDatasetIdFree(datasetId: string, options: RequestOptions): Promise<void> {
    const datasets = this.#options.datasets;
    if (!datasets) {
      throw new InvalidRequestError(
        'options.save_as_dataset',
        'this distribution serves no datasets API to save to; add a datasets provider (inline::localfs) to it.',
      );
    }
    const existing = await datasets.getDataset({ dataset_id: datasetId }, options).catch((error: unknown) => {
      if (StackError.isInstance(error) && error.status === 404) return undefined;
      throw error;
    });
    if (existing) {
      throw new ConflictError(
        `Dataset '${datasetId}' already exists; pick another uuid for options.save_as_dataset, or true for a new one.`,
        { field: 'options.save_as_dataset' },
      );
    }
  }
}

function unknownJob(jobId: string): NotFoundError {
  return new NotFoundError('job', jobId, 'It names no synthetic data generation job of this distribution.');
}

function toJob(record: JobRecord<ResolvedRun, SyntheticDataGenerationResult>): SyntheticDataGenerationJob {
  return {
    job_id: record.id,
    status: record.status,
    candidates_scored: record.progress?.completed ?? 0,
    candidates_total: record.progress?.total ?? record.data.prompts.length * record.data.k,
    created_at: new Date(record.createdAt).toISOString(),
    finished_at: record.finishedAt === undefined ? null : new Date(record.finishedAt).toISOString(),
    error: record.error ?? null,
    result: record.result ?? null,
  };
}
