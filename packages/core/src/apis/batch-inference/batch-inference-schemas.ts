import { z } from 'zod';
import { JsonObject, Message, ModelId } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';

/**
 * Wire types of the Batch Inference API draft (`batch_inference.yaml`). The draft names the job
 * `BatchInference`, `Path` and `Options`; here they are `BatchInferenceJob`, `BatchInferencePath`
 * and `BatchInferenceOptions`, as `BatchInference` is the protocol and the others are too generic
 * for a package that exports every API side by side.
 */

export const BatchInferencePathType = z
  .enum(['raw_bytes', 'filepath', 'uri'])
  .meta({ id: 'BatchInferencePathType' });
export type BatchInferencePathType = z.infer<typeof BatchInferencePathType>;

export const BatchInferencePath = z
  .object({
    value: z.string().min(1, 'must not be empty'),
    type: BatchInferencePathType.describe(
      'raw_bytes: `value` is the file content itself; filepath: a path on the server; uri: an http(s)://, ' +
        'file:// or data: URL.',
    ),
  })
  .refine((path) => path.type !== 'uri' || /^(https?:\/\/|file:\/\/|data:)/.test(path.value), {
    path: ['value'],
    message: 'must be an http(s)://, file:// or data: URL when type is uri',
  })
  .meta({ id: 'BatchInferencePath', description: 'Where a file is, or its content.' });
export type BatchInferencePath = z.infer<typeof BatchInferencePath>;

export const BatchInferenceOptions = z
  .object({
    logprobs: z.boolean().optional(),
    max_tokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
  })
  .meta({ id: 'BatchInferenceOptions', description: 'Sampling settings for every prompt of the job.' });
export type BatchInferenceOptions = z.infer<typeof BatchInferenceOptions>;

/** One line of the prompt file: a JSON array of messages, the conversation to answer. */
export const BatchInferencePromptLine = z
  .array(Message)
  .min(1, 'must hold at least one message')
  .meta({ id: 'BatchInferencePromptLine' });
export type BatchInferencePromptLine = z.infer<typeof BatchInferencePromptLine>;

export const SubmitBatchInferenceJobRequest = z
  .object({
    model: ModelId.describe('A registered model id.'),
    prompt_file_path: BatchInferencePath.describe(
      'A JSONL file where each line is a JSON-encoded list of messages (BatchInferencePromptLine).',
    ),
    options: BatchInferenceOptions.prefault({}),
    num_generations: z.number().int().positive().default(1).describe('Generations per prompt. Default 1.'),
  })
  .meta({ id: 'SubmitBatchInferenceJobRequest' });
export type SubmitBatchInferenceJobRequest = z.infer<typeof SubmitBatchInferenceJobRequest>;
export type SubmitBatchInferenceJobRequestInput = z.input<typeof SubmitBatchInferenceJobRequest>;

export const BatchInferenceJobStatus = z
  .enum(['validating', 'running', 'completed', 'failed'])
  .meta({ id: 'BatchInferenceJobStatus' });
export type BatchInferenceJobStatus = z.infer<typeof BatchInferenceJobStatus>;

export const BatchInferenceJob = z
  .object({
    job_id: z.string().describe('The id the server gave the job.'),
    created: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
      .describe('When the job was created.'),
    status: BatchInferenceJobStatus,
    input_file_path: BatchInferencePath,
    success_file_path: BatchInferencePath.nullish().describe('The results, once there are some.'),
    error_file_path: BatchInferencePath.nullish().describe('The prompts that failed and why, if any did.'),
    metadata: JsonObject.default({}),
  })
  .meta({
    id: 'BatchInferenceJob',
    description: 'A batch inference job (the draft calls it BatchInference).',
  });
export type BatchInferenceJob = z.infer<typeof BatchInferenceJob>;

export const GetBatchInferenceJobStatusRequest = z.object({
  job_id: identifier('must name a job (the job_id submit_job answered with)'),
});
export type GetBatchInferenceJobStatusRequest = z.infer<typeof GetBatchInferenceJobStatusRequest>;
