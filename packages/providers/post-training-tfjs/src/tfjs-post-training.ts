import { createHash } from 'node:crypto';
import {
  ConflictError,
  type Dataset,
  type Datasets,
  InvalidRequestError,
  type JobQueue,
  type JobRecord,
  type Jobs,
  type Models,
  NotFoundError,
  type PostTraining,
  type PostTrainingJobArtifactsResponse,
  type PostTrainingJobLogLine,
  type PostTrainingJobLogStream,
  type PostTrainingJobRequest,
  type PostTrainingJobStatus,
  type PostTrainingJobStatusResponse,
  type PostTrainingRLHFRequest,
  type PostTrainingSFTRequest,
  type RequestOptions,
} from '@llama-stack-ts/core';
import { loraAttentionModules } from '@llama-stack-ts/trainer-tfjs';
import { CheckpointStore } from './checkpoint-store.js';
import { resolveBaseModel } from './resolve-base-model.js';
import { type RunTrainingJobDeps, runTrainingJob } from './run-training-job.js';
import { checkpointFileNames } from './trainer-plan.js';
import { preferenceColumn, type TrainingColumn, trainingColumn } from './training-column.js';
import type { TrainingJobData, TrainingJobResult } from './training-job.js';

/** The job queue of fine-tuning jobs; every process of a distribution declares it (see `Jobs.queue`). */
export const postTrainingQueueName = 'post_training';

export interface TfjsPostTrainingOptions extends RunTrainingJobDeps {
  jobs: Jobs;
  registeredModels: Models;
  /** Where a relative provider_model_id resolves. */
  modelDir: string;
  /** Where an hf: provider_model_id's file is downloaded. */
  modelCacheDir: string;
}

const isoTime = (milliseconds: number | undefined) =>
  milliseconds === undefined ? null : new Date(milliseconds).toISOString();

/** The API's statuses; a cancelled job did not complete, so it is `failed` there. */
const apiStatus = (record: JobRecord): PostTrainingJobStatus =>
  record.status === 'cancelled' ? 'failed' : record.status;

/**
 * `inline::tfjs`: supervised fine-tuning (LoRA, QLoRA, DoRA, full) and DPO with the built-in
 * TensorFlow.js trainer, as jobs of the `post_training` queue. Submitting checks the model, the
 * datasets and the adapter settings, copies the datasets into the Datasets API (so a retried job reads the same rows) and
 * queues the job; the routes answer from the job engine and the job's checkpoint folder.
 */
export class TfjsPostTraining implements PostTraining {
  readonly #options: TfjsPostTrainingOptions;
  readonly #queue: JobQueue<TrainingJobData, TrainingJobResult>;

  constructor(options: TfjsPostTrainingOptions) {
    this.#options = options;
    this.#queue = options.jobs.queue<TrainingJobData, TrainingJobResult>({
      name: postTrainingQueueName,
      // A job keeps every core busy; a second one would only halve both.
      concurrency: 1,
      process: (job) => runTrainingJob(job, options),
    });
  }

  async supervisedFineTune(request: PostTrainingSFTRequest, options: RequestOptions = {}): Promise<void> {
    if (request.algorithm !== 'full') checkAdapterSettings(request);
    await this.#submit(
      request,
      { field: 'model', id: request.model },
      {
        train: trainingColumn(request.dataset, 'dataset'),
        validation: trainingColumn(request.validation_dataset, 'validation_dataset'),
      },
      options,
    );
  }

  async preferenceOptimize(request: PostTrainingRLHFRequest, options: RequestOptions = {}): Promise<void> {
    if (!(request.algorithm_config.reward_scale > 0))
      throw new InvalidRequestError(
        'algorithm_config.reward_scale',
        "must be > 0: it is DPO's beta, how far the policy may move from the reference",
      );
    await this.#submit(
      request,
      { field: 'finetuned_model', id: request.finetuned_model },
      {
        train: preferenceColumn(request.dataset, 'dataset'),
        validation: preferenceColumn(request.validation_dataset, 'validation_dataset'),
      },
      options,
    );
  }

  /**
   * Checks the model and the job id, copies the datasets into the Datasets API (so a retried job
   * reads the same rows) and queues the job.
   */
  async #submit(
    request: TrainingJobData['request'],
    model: { field: string; id: string },
    columns: { train: TrainingColumn; validation: TrainingColumn },
    options: RequestOptions,
  ): Promise<void> {
    const base = await resolveBaseModel(
      model.id,
      {
        ...this.#options,
        field: model.field,
        anyArchitecture: this.#options.config.trainer.type === 'command',
      },
      options,
    );
    if (await this.#queue.get(request.job_uuid)) throw jobInUse(request.job_uuid);
    await this.#checkModelIdFree(request.job_uuid, options);
    const train = await this.#copyDataset(request.job_uuid, 'train', request.dataset, options);
    const validation = await this.#copyDataset(
      request.job_uuid,
      'validation',
      request.validation_dataset,
      options,
    );
    try {
      await this.#queue.add(
        {
          request,
          base: {
            identifier: base.model.identifier,
            provider_id: base.model.provider_id,
            provider_resource_id: base.model.provider_resource_id,
            path: base.path,
            architecture: base.architecture,
          },
          datasets: {
            train: { id: train, column: columns.train },
            validation: { id: validation, column: columns.validation },
          },
        },
        { jobId: request.job_uuid },
      );
    } catch (error) {
      if (error instanceof ConflictError) throw jobInUse(request.job_uuid);
      throw error;
    }
    this.#options.logger.info('queued training job', {
      job_uuid: request.job_uuid,
      algorithm: request.algorithm,
      model: model.id,
    });
  }

  async getTrainingJobLogs({ job_uuid }: PostTrainingJobRequest): Promise<PostTrainingJobLogStream> {
    await this.#record(job_uuid);
    const log_lines: string[] = [];
    for await (const line of this.#queue.logs(job_uuid)) log_lines.push(line);
    return { job_uuid, log_lines };
  }

  async *streamTrainingJobLogs(
    { job_uuid }: PostTrainingJobRequest,
    options: RequestOptions = {},
  ): AsyncIterable<PostTrainingJobLogLine> {
    await this.#record(job_uuid);
    const follow = { follow: true, ...(options.signal ? { signal: options.signal } : {}) };
    for await (const line of this.#queue.logs(job_uuid, follow)) yield { job_uuid, line };
  }

  async getTrainingJobStatus({ job_uuid }: PostTrainingJobRequest): Promise<PostTrainingJobStatusResponse> {
    const record = await this.#record(job_uuid);
    const resources = record.progress?.details?.resources_allocated;
    return {
      job_uuid,
      status: apiStatus(record),
      scheduled_at: isoTime(record.createdAt),
      started_at: isoTime(record.startedAt),
      completed_at: isoTime(record.finishedAt),
      resources_allocated: (resources as Record<string, unknown> | undefined) ?? null,
      checkpoints: await this.#checkpoints(record).list(),
    };
  }

  async cancelTrainingJob({ job_uuid }: PostTrainingJobRequest): Promise<void> {
    if (!(await this.#queue.cancel(job_uuid))) throw unknownJob(job_uuid);
  }

  async getTrainingJobArtifacts({
    job_uuid,
  }: PostTrainingJobRequest): Promise<PostTrainingJobArtifactsResponse> {
    return { job_uuid, checkpoints: await this.#checkpoints(await this.#record(job_uuid)).list() };
  }

  /** The trained model is registered as `<job_uuid>`: an id another model has would fail the job at its end. */
  async #checkModelIdFree(jobId: string, options: RequestOptions): Promise<void> {
    try {
      await this.#options.registeredModels.getModel({ identifier: jobId }, options);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
    throw new ConflictError(
      `job_uuid '${jobId}' is a registered model's id; the fine-tuned model is registered under the job_uuid, so pick another.`,
      { field: 'job_uuid' },
    );
  }

  async #record(jobId: string): Promise<JobRecord<TrainingJobData, TrainingJobResult>> {
    const record = await this.#queue.get(jobId);
    if (!record) throw unknownJob(jobId);
    return record;
  }

  #checkpoints(record: JobRecord<TrainingJobData, TrainingJobResult>): CheckpointStore {
    return new CheckpointStore(
      this.#options.dataDir,
      record.id,
      checkpointFileNames[record.data.request.algorithm],
    );
  }

  /**
   * Stores the request's dataset in the Datasets API under an id of this job (rows checked against
   * the columns, http(s) and data: content copied); a copy left by a submit that failed before its
   * job was queued is replaced.
   */
  async #copyDataset(
    jobId: string,
    role: string,
    dataset: Dataset,
    options: RequestOptions,
  ): Promise<string> {
    const datasets: Datasets = this.#options.datasets;
    const uuid = `post_training-${createHash('sha256').update(jobId).digest('hex').slice(0, 32)}-${role}`;
    const field = role === 'train' ? 'dataset' : 'validation_dataset';
    try {
      await datasets.createDataset({ uuid, dataset }, options);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw renamedDatasetError(error, field);
      await datasets.deleteDataset({ dataset_id: uuid }, options);
      await datasets.createDataset({ uuid, dataset }, options).catch((retry) => {
        throw renamedDatasetError(retry, field);
      });
    }
    return uuid;
  }
}

/** The Datasets API names its request's `dataset.…` fields; here the dataset may be `validation_dataset`. */
function renamedDatasetError(error: unknown, field: string): unknown {
  if (!(error instanceof InvalidRequestError) || field === 'dataset' || !error.field?.startsWith('dataset'))
    return error;
  const renamed = `${field}${error.field.slice('dataset'.length)}`;
  return new InvalidRequestError(renamed, error.message.slice(error.field.length + 2), { cause: error });
}

function checkAdapterSettings(request: PostTrainingSFTRequest): void {
  const config = request.algorithm_config;
  if (!config)
    throw new InvalidRequestError('algorithm_config', `required when algorithm is ${request.algorithm}`);
  if (!(config.rank >= 1)) throw new InvalidRequestError('algorithm_config.rank', 'must be an integer >= 1');
  if (!(config.alpha > 0)) throw new InvalidRequestError('algorithm_config.alpha', 'must be > 0');
  const known = Object.keys(loraAttentionModules);
  const unknown = config.lora_attn_modules.filter((module) => !known.includes(module));
  if (unknown.length > 0)
    throw new InvalidRequestError(
      'algorithm_config.lora_attn_modules',
      `${unknown.join(', ')} unknown; the trainer adapts ${known.join(', ')}`,
    );
  if (config.lora_attn_modules.length === 0 && !config.apply_lora_to_mlp && !config.apply_lora_to_output)
    throw new InvalidRequestError(
      'algorithm_config',
      'adapts nothing: name lora_attn_modules, or set apply_lora_to_mlp or apply_lora_to_output',
    );
}

const unknownJob = (jobId: string) =>
  new NotFoundError(
    'training job',
    jobId,
    'Submit it with POST /post_training/supervised_fine_tune/ or /post_training/preference_optimize/ first.',
  );

const jobInUse = (jobId: string) =>
  new ConflictError(`job_uuid '${jobId}' is in use by another training job; pick a new one.`, {
    field: 'job_uuid',
  });
