import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Batch,
  type BatchError,
  type BatchIdRequest,
  ConflictError,
  type CreateBatchRequest,
  type Files,
  InvalidRequestError,
  type JobQueue,
  type ListBatchesRequest,
  type ListBatchesResponse,
  NotFoundError,
  PayloadTooLargeError,
  type RequestOptions,
  StackError,
} from '@llama-stack-ts/core';
import { readJsonIfPresent, writeFileAtomically } from '../atomic-files.js';
import { batchPaths } from '../batch-paths.js';
import { scanInput } from '../input/scan-input.js';
import type { JobsBatchContext } from '../jobs-batch-context.js';
import { assembleParts } from '../parts/assemble-parts.js';
import { type LineCounts, sumCounts } from '../parts/line-outcome.js';
import { partProcessor } from '../parts/part-processor.js';
import { checkBatchLine } from './check-batch-line.js';
import { runBatchLine } from './run-batch-line.js';
import {
  type BatchFiles,
  type OpenAiBatchData,
  type OpenAiBatchPart,
  type OpenAiBatchResult,
  toBatch,
} from './to-batch.js';

export const openAiBatchesQueueName = 'openai_batches';
export const openAiBatchCancelsQueueName = 'openai_batch_cancels';

const completionWindowSeconds = 24 * 60 * 60;
/** Problems listed in a batch's `errors`; every problem line also has its record in the error file. */
const maxListedErrors = 100;
/** How long a cancelled batch's parts get to stop (they stop within a second) before its files are written. */
const cancelGraceMs = 1_000;

/** The Files API, or the 404 that says this distribution serves none. */
export type FilesAccess = () => Files;

/**
 * OpenAI's Batch API (`/v1/batches`) on the job engine. `createBatch` checks the input file's lines
 * as it copies them (a bad line is listed in `errors` and becomes its own error record, never the
 * batch's failure) and queues the batch with its parts; once the parts have ended the job writes the
 * output and error files through the Files API. `cancelBatch` cancels the job (its parts stop within
 * a second) and queues a second job that writes the lines finished so far to the files.
 */
export class OpenAiBatches {
  readonly #context: JobsBatchContext;
  readonly #files: FilesAccess;
  readonly #root: string;
  readonly #queue: JobQueue<OpenAiBatchData, OpenAiBatchResult, OpenAiBatchPart>;
  readonly #cancels: JobQueue<{ batch_id: string }, BatchFiles>;
  /** Seconds since the epoch (the tests of the completion window move it). */
  readonly #now: () => number;

  constructor(context: JobsBatchContext, files: FilesAccess, now = () => Date.now() / 1000) {
    this.#context = context;
    this.#files = files;
    this.#now = now;
    this.#root = context.dir('openai-batches');
    this.#queue = context.jobs.queue<OpenAiBatchData, OpenAiBatchResult, OpenAiBatchPart, LineCounts>({
      name: openAiBatchesQueueName,
      concurrency: 2,
      processPart: partProcessor<OpenAiBatchPart>({
        root: this.#root,
        logger: context.logger,
        runLine: (line, part, signal) =>
          runBatchLine(
            line,
            part,
            { inference: context.inference, logger: context.logger, now: this.#now },
            signal,
          ),
      }),
      process: async (job, parts) => {
        const counts = sumCounts(parts);
        const finalizingAt = Math.floor(this.#now());
        await job.setProgress({
          completed: job.data.total,
          total: job.data.total,
          details: { ...counts, finalizing_at: finalizingAt },
        });
        const files = await this.#writeFiles(job.jobId, parts.length, 'complete');
        return { ...files, finalizing_at: finalizingAt };
      },
    });
    this.#cancels = context.jobs.queue<{ batch_id: string }, BatchFiles>({
      name: openAiBatchCancelsQueueName,
      process: async (job) => {
        await sleep(cancelGraceMs, undefined, { signal: job.signal });
        const record = await this.#queue.get(job.data.batch_id);
        return this.#writeFiles(job.data.batch_id, record?.data.parts ?? 0, 'partial');
      },
    });
  }

  async createBatch(request: CreateBatchRequest, options: RequestOptions = {}): Promise<Batch> {
    const files = this.#files();
    const { config } = this.#context;
    const file = await files
      .retrieveFile({ file_id: request.input_file_id }, options)
      .catch((error: unknown) => {
        if (StackError.isInstance(error) && error.status === 404) {
          throw new NotFoundError(
            'file',
            request.input_file_id,
            'Upload the requests with POST /v1/files (purpose batch) and pass the id it answers as input_file_id.',
          );
        }
        throw error;
      });
    if (file.purpose !== 'batch') {
      throw new InvalidRequestError(
        'input_file_id',
        `file '${file.id}' was uploaded with purpose '${file.purpose}'; upload the batch's requests with purpose 'batch'.`,
      );
    }
    if (file.bytes > config.max_input_bytes) {
      throw new PayloadTooLargeError(
        `input_file_id (${file.id}, ${file.bytes} bytes)`,
        config.max_input_bytes,
        `raise max_input_bytes in the ${this.#context.providerType} config`,
      );
    }

    const batchId = `batch_${randomBytes(12).toString('hex')}`;
    const paths = batchPaths(this.#root, batchId);
    await mkdir(paths.parts, { recursive: true });
    try {
      const content = await files.retrieveFileContent({ file_id: file.id }, options);
      const firstUse = new Map<string, number>();
      const duplicates = new Map<number, number>();
      const errors: BatchError[] = [];
      let model: string | null = null;
      const { lines, parts } = await scanInput(Readable.fromWeb(content.stream as never), {
        destination: paths.input,
        linesPerPart: config.lines_per_part,
        signal: options.signal,
        onLine: (text, line) => {
          const checked = checkBatchLine(text, line, request.endpoint);
          let problem = checked.ok ? undefined : checked.error;
          if (checked.ok) {
            model ??= checked.model;
            const earlier = firstUse.get(checked.custom_id);
            if (earlier === undefined) firstUse.set(checked.custom_id, line);
            else {
              duplicates.set(line, earlier);
              problem = {
                code: 'duplicate_custom_id',
                line,
                message: `Line ${line}: custom_id '${checked.custom_id}' is already used by line ${earlier}; give every request its own custom_id.`,
                param: 'custom_id',
              };
            }
          }
          if (problem && errors.length < maxListedErrors) errors.push(problem);
        },
      });
      if (lines === 0) {
        throw new InvalidRequestError(
          'input_file_id',
          `file '${file.id}' holds no requests: every line is blank`,
        );
      }
      const createdAt = Math.floor(this.#now());
      const data: OpenAiBatchData = {
        endpoint: request.endpoint,
        input_file_id: file.id,
        completion_window: request.completion_window,
        metadata: request.metadata ?? null,
        created_at: createdAt,
        expires_at: createdAt + completionWindowSeconds,
        total: lines,
        parts: parts.length,
        model,
        errors,
      };
      const record = await this.#queue.add(data, {
        jobId: batchId,
        parts: parts.map((part, index) => {
          const next = parts[index + 1]?.firstLine ?? Number.POSITIVE_INFINITY;
          const inPart = [...duplicates].filter(([line]) => line >= part.firstLine && line < next);
          return {
            ...part,
            endpoint: request.endpoint,
            expires_at: data.expires_at,
            duplicates: Object.fromEntries(inPart),
          };
        }),
      });
      this.#context.logger.info('batch created', { batch_id: batchId, requests: lines, parts: parts.length });
      return toBatch(record, undefined);
    } catch (error) {
      await rm(paths.dir, { recursive: true, force: true });
      throw error;
    }
  }

  async listBatches({ after, limit }: ListBatchesRequest): Promise<ListBatchesResponse> {
    const records = await this.#queue.list({ limit: limit + 1, ...(after ? { after } : {}) });
    const page = records.slice(0, limit);
    const data = await Promise.all(page.map(async (record) => toBatch(record, await this.#cancelOf(record))));
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: records.length > limit,
    };
  }

  async retrieveBatch({ batch_id }: BatchIdRequest): Promise<Batch> {
    const record = await this.#record(batch_id);
    return toBatch(record, await this.#cancelOf(record));
  }

  async cancelBatch({ batch_id }: BatchIdRequest): Promise<Batch> {
    const record = await this.#record(batch_id);
    if (record.status === 'completed' || record.status === 'failed') {
      const batch = toBatch(record, undefined);
      throw new ConflictError(
        `Batch '${batch_id}' is already ${batch.status}; only a batch still running can be cancelled.`,
        {
          field: 'batch_id',
        },
      );
    }
    if (record.status !== 'cancelled') {
      await this.#queue.cancel(batch_id);
      await this.#cancels.add({ batch_id }, { jobId: batch_id }).catch((error: unknown) => {
        // A cancel arriving twice at once: the first one queued the files already.
        if (!(StackError.isInstance(error) && error.status === 409)) throw error;
      });
    }
    return this.retrieveBatch({ batch_id });
  }

  async #record(batchId: string) {
    const record = await this.#queue.get(batchId);
    if (!record) throw new NotFoundError('batch', batchId, 'GET /v1/batches lists the batches.');
    return record;
  }

  async #cancelOf(record: { id: string; status: string }) {
    return record.status === 'cancelled' ? this.#cancels.get(record.id) : undefined;
  }

  /**
   * Writes the output and error files of a batch through the Files API from its parts, once: the
   * files' ids are kept in the batch's directory, so a run again after a crash answers the same
   * files, and the batch's working copies are removed after.
   */
  async #writeFiles(batchId: string, partCount: number, mode: 'complete' | 'partial'): Promise<BatchFiles> {
    const paths = batchPaths(this.#root, batchId);
    const written = join(paths.dir, 'files.json');
    const before = await readJsonIfPresent<BatchFiles>(written);
    if (before) return before;
    const counts = await assembleParts({
      partsDir: paths.parts,
      partCount,
      outputPath: paths.output,
      errorsPath: paths.errors,
      mode,
    });
    const upload = async (path: string, kind: 'output' | 'error', lines: number) => {
      if (lines === 0) return null;
      const files = this.#files();
      const file = await files.uploadFile({
        file: {
          filename: `${batchId}_${kind}.jsonl`,
          content_type: 'application/jsonl',
          stream: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
        },
        purpose: 'batch',
      });
      return file.id;
    };
    const result: BatchFiles = {
      output_file_id: await upload(paths.output, 'output', counts.succeeded),
      error_file_id: await upload(paths.errors, 'error', counts.failed),
      counts,
    };
    await writeFileAtomically(written, JSON.stringify(result));
    await Promise.all(
      [paths.input, paths.parts, paths.output, paths.errors].map((path) =>
        rm(path, { recursive: true, force: true }),
      ),
    );
    return result;
  }
}
