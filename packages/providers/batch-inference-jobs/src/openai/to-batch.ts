import type { Batch, BatchEndpoint, BatchError, BatchMetadata, JobRecord } from '@llama-stack-ts/core';
import type { LineCounts } from '../parts/line-outcome.js';
import type { PartRange } from '../parts/part-range.js';
import type { BatchLineSpec } from './run-batch-line.js';

/** An OpenAI batch as its queue keeps it. */
export interface OpenAiBatchData {
  endpoint: BatchEndpoint;
  input_file_id: string;
  completion_window: '24h';
  metadata: BatchMetadata | null;
  /** Unix seconds. */
  created_at: number;
  expires_at: number;
  /** Requests (non-blank lines) in the input file. */
  total: number;
  /** How many parts the lines were cut into. */
  parts: number;
  model: string | null;
  /** The first problems found in the input's lines (each line also gets its error record). */
  errors: BatchError[];
}

export interface OpenAiBatchPart extends PartRange, BatchLineSpec {}

/** The files a batch's lines were written to, and how they ended: what finishing (or cancelling) answers. */
export interface BatchFiles {
  output_file_id: string | null;
  error_file_id: string | null;
  counts: LineCounts;
}

export interface OpenAiBatchResult extends BatchFiles {
  /** Unix seconds: when every part had ended and the files were being written. */
  finalizing_at: number;
}

/** What `process` reports while it writes the files: the job's own progress replaces its parts'. */
export interface FinalizingDetails extends LineCounts {
  finalizing_at: number;
}

const seconds = (milliseconds: number | undefined) =>
  milliseconds === undefined ? null : Math.floor(milliseconds / 1000);

/**
 * A batch as OpenAI shows it, from its job's record and, once cancelled, the record of the job that
 * writes what it finished: `scheduled` is `validating`; `running` is `in_progress` until every part
 * has ended, then `finalizing`; a completed job is `completed`, or `expired` when lines ran out of
 * time; a cancelled one is `cancelling` until its files are written, then `cancelled`.
 */
export function toBatch(
  record: JobRecord<OpenAiBatchData, OpenAiBatchResult>,
  cancelled: JobRecord<unknown, BatchFiles> | undefined,
): Batch {
  const { data } = record;
  const details = record.progress?.details as Partial<FinalizingDetails> | undefined;
  const files: BatchFiles | undefined = record.result ?? cancelled?.result;
  const counts = files?.counts ?? { succeeded: details?.succeeded ?? 0, failed: details?.failed ?? 0 };
  const expired = record.status === 'completed' && (record.result?.counts.expired ?? 0) > 0;
  const finishedAt = seconds(record.finishedAt);
  const errors = [...data.errors];
  if (record.status === 'failed') {
    errors.push({
      code: 'batch_failed',
      line: null,
      message: record.error ?? 'The batch failed.',
      param: null,
    });
  }

  let status: Batch['status'];
  switch (record.status) {
    case 'scheduled':
      status = 'validating';
      break;
    case 'running':
      status = details?.finalizing_at !== undefined ? 'finalizing' : 'in_progress';
      break;
    case 'completed':
      status = expired ? 'expired' : 'completed';
      break;
    case 'failed':
      status = 'failed';
      break;
    case 'cancelled':
      status =
        cancelled?.status === 'completed' || cancelled?.status === 'failed' ? 'cancelled' : 'cancelling';
      break;
  }

  return {
    id: record.id,
    object: 'batch',
    endpoint: data.endpoint,
    errors: errors.length > 0 ? { object: 'list', data: errors } : null,
    input_file_id: data.input_file_id,
    completion_window: data.completion_window,
    status,
    output_file_id: files?.output_file_id ?? null,
    error_file_id: files?.error_file_id ?? null,
    created_at: data.created_at,
    in_progress_at: seconds(record.startedAt),
    expires_at: data.expires_at,
    finalizing_at: record.result?.finalizing_at ?? details?.finalizing_at ?? null,
    completed_at: status === 'completed' ? finishedAt : null,
    failed_at: status === 'failed' ? finishedAt : null,
    expired_at: status === 'expired' ? finishedAt : null,
    cancelling_at: record.status === 'cancelled' ? finishedAt : null,
    cancelled_at: status === 'cancelled' ? seconds(cancelled?.finishedAt) : null,
    request_counts: { total: data.total, completed: counts.succeeded, failed: counts.failed },
    metadata: data.metadata,
    model: data.model,
  };
}
