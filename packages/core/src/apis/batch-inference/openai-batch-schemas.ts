import { z } from 'zod';
import { identifier } from '../common/identifier.js';

/**
 * Wire types of OpenAI's Batch API (`/v1/batches`, as today's Llama Stack serves it in
 * `ogx/openapi.yaml`), so the official `openai` client's `batches` resource works unchanged. A batch
 * runs a JSONL file of `{custom_id, method, url, body}` requests uploaded through the Files API.
 */

export const batchEndpoints = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'] as const;

export const BatchEndpoint = z
  .enum(batchEndpoints, {
    error: `must be one of ${batchEndpoints.map((endpoint) => `'${endpoint}'`).join(', ')}`,
  })
  .meta({ id: 'BatchEndpoint', description: 'The route every request of the batch is sent to.' });
export type BatchEndpoint = z.infer<typeof BatchEndpoint>;

/** OpenAI's limits on a batch's metadata: 16 pairs, keys up to 64 characters, values up to 512. */
export const BatchMetadata = z
  .record(
    z.string().max(64, 'a metadata key must be at most 64 characters'),
    z
      .string({ error: 'a metadata value must be a string' })
      .max(512, 'a metadata value must be at most 512 characters'),
  )
  .refine((metadata) => Object.keys(metadata).length <= 16, 'must hold at most 16 key-value pairs')
  .meta({ id: 'BatchMetadata', description: 'Up to 16 string pairs, kept with the batch.' });
export type BatchMetadata = z.infer<typeof BatchMetadata>;

export const CreateBatchRequest = z
  .object({
    input_file_id: identifier('must name a file (its `file-…` id), uploaded with purpose batch').describe(
      'A file uploaded with purpose `batch`: one JSON request per line.',
    ),
    endpoint: BatchEndpoint,
    completion_window: z
      .literal('24h', { error: "must be '24h'" })
      .describe('How long the batch may take: `24h`. Lines not run by then are `batch_expired` errors.'),
    metadata: BatchMetadata.nullish(),
  })
  .meta({ id: 'CreateBatchRequest' });
export type CreateBatchRequest = z.infer<typeof CreateBatchRequest>;
export type CreateBatchRequestInput = z.input<typeof CreateBatchRequest>;

export const BatchStatus = z
  .enum([
    'validating',
    'failed',
    'in_progress',
    'finalizing',
    'completed',
    'expired',
    'cancelling',
    'cancelled',
  ])
  .meta({ id: 'BatchStatus' });
export type BatchStatus = z.infer<typeof BatchStatus>;

export const BatchError = z
  .object({
    code: z.string().nullable().describe('`invalid_json_line`, `duplicate_custom_id`, `invalid_url`…'),
    line: z
      .number()
      .int()
      .nullable()
      .describe('The 1-based line of the input file, when one line is at fault.'),
    message: z.string().nullable(),
    param: z.string().nullable().describe('The field of the line at fault (`custom_id`, `body.model`).'),
  })
  .meta({ id: 'BatchError' });
export type BatchError = z.infer<typeof BatchError>;

export const BatchRequestCounts = z
  .object({
    total: z.number().int().describe('Requests in the input file.'),
    completed: z.number().int().describe('Requests that succeeded (the output file).'),
    failed: z.number().int().describe('Requests that failed (the error file).'),
  })
  .meta({ id: 'BatchRequestCounts' });
export type BatchRequestCounts = z.infer<typeof BatchRequestCounts>;

const unixSeconds = z.number().int().nullable();

export const Batch = z
  .object({
    id: z.string().describe('The batch id (`batch_…`).'),
    object: z.literal('batch'),
    endpoint: z.string(),
    errors: z
      .object({ object: z.literal('list'), data: z.array(BatchError) })
      .nullable()
      .describe(
        "Problems found in the input's lines (each also in the error file), or why the batch failed.",
      ),
    input_file_id: z.string(),
    completion_window: z.string(),
    status: BatchStatus,
    output_file_id: z
      .string()
      .nullable()
      .describe('The responses of the requests that succeeded, once written.'),
    error_file_id: z.string().nullable().describe('The requests that failed, and why, once written.'),
    created_at: z.number().int(),
    in_progress_at: unixSeconds,
    expires_at: unixSeconds,
    finalizing_at: unixSeconds,
    completed_at: unixSeconds,
    failed_at: unixSeconds,
    expired_at: unixSeconds,
    cancelling_at: unixSeconds,
    cancelled_at: unixSeconds,
    request_counts: BatchRequestCounts,
    metadata: BatchMetadata.nullable(),
    model: z.string().nullable().describe('The model of the first request, when it names one.'),
  })
  .meta({ id: 'Batch', description: 'A batch, as OpenAI describes one; times are Unix seconds.' });
export type Batch = z.infer<typeof Batch>;

export const maxListBatchesLimit = 100;

export const ListBatchesRequest = z.object({
  after: identifier('must name a batch id (the `last_id` of the previous page)')
    .optional()
    .describe('A batch id: answer the batches created before it (the `last_id` of the previous page).'),
  limit: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(maxListBatchesLimit, `must be at most ${maxListBatchesLimit}`)
    .default(20)
    .describe(`Most batches to answer with, 1 to ${maxListBatchesLimit}. Default 20.`),
});
export type ListBatchesRequest = z.infer<typeof ListBatchesRequest>;
export type ListBatchesRequestInput = z.input<typeof ListBatchesRequest>;

export const ListBatchesResponse = z
  .object({
    object: z.literal('list'),
    data: z.array(Batch),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean().describe('Whether older batches follow (ask again with `after: last_id`).'),
  })
  .meta({ id: 'ListBatchesResponse', description: 'One page of batches, newest first.' });
export type ListBatchesResponse = z.infer<typeof ListBatchesResponse>;

/** The path parameter of `/v1/batches/{batch_id}` and `/v1/batches/{batch_id}/cancel`. */
export const BatchIdRequest = z.object({
  batch_id: identifier('must name a batch (its `batch_…` id)').describe('The id of the batch.'),
});
export type BatchIdRequest = z.infer<typeof BatchIdRequest>;
