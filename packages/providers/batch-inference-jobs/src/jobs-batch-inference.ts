import { join } from 'node:path';
import {
  ApiNotServedError,
  type Batch,
  type BatchIdRequest,
  type BatchInference,
  type BatchInferenceJob,
  type CreateBatchRequest,
  DisposedError,
  type Files,
  type GetBatchInferenceJobStatusRequest,
  type Inference,
  InvalidRequestError,
  type Jobs,
  type ListBatchesRequest,
  type ListBatchesResponse,
  type Models,
  type ProviderLogger,
  type RequestOptions,
  type SubmitBatchInferenceJobRequest,
  type UrlPolicy,
} from '@llama-stack-ts/core';
import type { JobsBatchConfig } from './jobs-batch-config.js';
import type { JobsBatchContext } from './jobs-batch-context.js';
import { LineSlots } from './line-slots.js';
import { OpenAiBatches } from './openai/openai-batches.js';
import { SeedBatchJobs } from './seed/seed-batch-jobs.js';

export const providerType = 'inline::jobs';

export interface JobsBatchInferenceOptions {
  config: JobsBatchConfig;
  /** The provider's data directory: inputs, parts and outputs of the batches live under it. */
  dataDir: string;
  jobs: Jobs;
  inference: Inference;
  /** The Files API that OpenAI's batches read their input from and write their output to; without it they answer 404. */
  files?: Files | undefined;
  /** The distribution's name, for the 404 of a batch route without a Files API. */
  distributionName?: string | undefined;
  /** Seconds since the epoch, for the completion window of OpenAI's batches. Default: the clock. */
  now?: () => number;
  /** The distribution's models, to answer an unknown model 404 at submit; without it, lines fail one by one. */
  models?: Models | undefined;
  urlPolicy: UrlPolicy | undefined;
  logger: ProviderLogger;
}

/**
 * Batch inference on the stack's job engine (`inline::jobs`). Every process of the distribution
 * declares the queues, so any worker (`llama-stack-ts worker`, or the one inside `run`) runs any
 * part; every process must see the same data directory.
 */
export class JobsBatchInference implements BatchInference, AsyncDisposable {
  readonly #seed: SeedBatchJobs;
  readonly #openAi: OpenAiBatches;
  #disposed = false;

  constructor(options: JobsBatchInferenceOptions) {
    const slots = new LineSlots(options.config.parallel_lines);
    const context: JobsBatchContext = {
      config: options.config,
      jobs: options.jobs,
      inference: slots.wrap(options.inference),
      dir: (name) => join(options.dataDir, name),
      checkModel: (model, field) => checkModel(options.models, model, field),
      urlPolicy: options.urlPolicy,
      logger: options.logger,
      providerType,
    };
    this.#seed = new SeedBatchJobs(context);
    const { files, distributionName = 'this distribution' } = options;
    this.#openAi = new OpenAiBatches(
      context,
      () => {
        if (!files) throw new ApiNotServedError('files', distributionName);
        return files;
      },
      options.now,
    );
  }

  submitJob(request: SubmitBatchInferenceJobRequest, options?: RequestOptions): Promise<BatchInferenceJob> {
    this.#guard();
    return this.#seed.submitJob(request, options);
  }

  getJobStatus(request: GetBatchInferenceJobStatusRequest): Promise<BatchInferenceJob> {
    this.#guard();
    return this.#seed.getJobStatus(request);
  }

  createBatch(request: CreateBatchRequest, options?: RequestOptions): Promise<Batch> {
    this.#guard();
    return this.#openAi.createBatch(request, options);
  }

  listBatches(request: ListBatchesRequest): Promise<ListBatchesResponse> {
    this.#guard();
    return this.#openAi.listBatches(request);
  }

  retrieveBatch(request: BatchIdRequest): Promise<Batch> {
    this.#guard();
    return this.#openAi.retrieveBatch(request);
  }

  cancelBatch(request: BatchIdRequest): Promise<Batch> {
    this.#guard();
    return this.#openAi.cancelBatch(request);
  }

  /** The queues stay with the engine, which the stack drains and closes. */
  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError(`The ${providerType} batch inference provider`);
  }
}

async function checkModel(models: Models | undefined, model: string, field: string): Promise<void> {
  if (!models) return;
  const registered = await models.getModel({ identifier: model });
  if (registered.model_type !== 'llm') {
    throw new InvalidRequestError(
      field,
      `model '${model}' is an ${registered.model_type} model; batch inference generates text, so name an llm model.`,
    );
  }
}
