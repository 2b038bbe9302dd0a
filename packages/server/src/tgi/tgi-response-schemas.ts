import { z } from 'zod';

/** Wire schemas of TGI's answers, field order as TGI writes them. */

export const TgiFinishReason = z
  .enum(['length', 'eos_token', 'stop_sequence'])
  .meta({ id: 'TgiFinishReason' });
export type TgiFinishReason = z.infer<typeof TgiFinishReason>;

export const TgiToken = z
  .object({
    id: z.number().int(),
    text: z.string(),
    logprob: z.number().nullable(),
    special: z.boolean(),
  })
  .meta({ id: 'TgiToken' });
export type TgiToken = z.infer<typeof TgiToken>;

export const TgiPrefillToken = z
  .object({ id: z.number().int(), text: z.string(), logprob: z.number().nullable() })
  .meta({ id: 'TgiPrefillToken' });
export type TgiPrefillToken = z.infer<typeof TgiPrefillToken>;

export const TgiDetails = z
  .object({
    finish_reason: TgiFinishReason,
    generated_tokens: z.number().int(),
    seed: z.number().int().nullable(),
    prefill: z.array(TgiPrefillToken),
    tokens: z.array(TgiToken),
    top_tokens: z.array(z.array(TgiToken)).optional(),
  })
  .meta({ id: 'TgiDetails' });
export type TgiDetails = z.infer<typeof TgiDetails>;

export const TgiGenerateResponse = z
  .object({ generated_text: z.string(), details: TgiDetails.optional() })
  .meta({ id: 'TgiGenerateResponse' });
export type TgiGenerateResponse = z.infer<typeof TgiGenerateResponse>;

export const TgiStreamDetails = z
  .object({
    finish_reason: TgiFinishReason,
    generated_tokens: z.number().int(),
    seed: z.number().int().nullable(),
    input_length: z.number().int(),
  })
  .meta({ id: 'TgiStreamDetails' });
export type TgiStreamDetails = z.infer<typeof TgiStreamDetails>;

export const TgiStreamResponse = z
  .object({
    index: z.number().int().describe('The position of the token, from 1.'),
    token: TgiToken,
    top_tokens: z.array(TgiToken).optional(),
    generated_text: z.string().nullable().describe('The whole text, on the last event only.'),
    details: TgiStreamDetails.nullable().describe('On the last event, when `details` was asked for.'),
  })
  .meta({ id: 'TgiStreamResponse' });
export type TgiStreamResponse = z.infer<typeof TgiStreamResponse>;

export const TgiSimpleToken = z
  .object({
    id: z.number().int(),
    text: z.string(),
    start: z.number().int().describe("Character offset of the token's start in `inputs`."),
    stop: z.number().int(),
  })
  .meta({ id: 'TgiSimpleToken' });
export type TgiSimpleToken = z.infer<typeof TgiSimpleToken>;

export const TgiInfo = z
  .object({
    model_id: z.string(),
    model_sha: z.string().nullable(),
    model_pipeline_tag: z.string().nullable(),
    max_concurrent_requests: z.number().int(),
    max_best_of: z.number().int(),
    max_stop_sequences: z.number().int(),
    max_input_tokens: z.number().int(),
    max_total_tokens: z.number().int(),
    validation_workers: z.number().int(),
    max_client_batch_size: z.number().int(),
    router: z.string(),
    version: z.string(),
    sha: z.string().nullable(),
    docker_label: z.string().nullable(),
  })
  .meta({ id: 'TgiInfo' });
export type TgiInfo = z.infer<typeof TgiInfo>;
