import { maxLogprobsTopK, maxTokensLimit } from '@llama-stack-ts/core';
import { z } from 'zod';

/**
 * Requests of TGI's native routes (`/generate`, `/generate_stream`, `/`, `/tokenize`), as in Text
 * Generation Inference 2.4. Fields are validated with TGI's bounds and messages; unknown fields are
 * dropped, as TGI's JSON reader does.
 */

/** `grammar`: a JSON schema (an object or a string holding one), or a regular expression. */
export const TgiGrammar = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('json'), value: z.unknown() }),
    z.object({ type: z.literal('regex'), value: z.string() }),
  ],
  { error: 'must be { "type": "json", "value": <JSON schema> } or { "type": "regex", "value": "<regex>" }' },
);
export type TgiGrammar = z.infer<typeof TgiGrammar>;

export const TgiGenerateParameters = z
  .object({
    adapter_id: z.string().nullish(),
    best_of: z.number().int('must be an integer').gt(0, 'must be strictly positive').nullish(),
    decoder_input_details: z.boolean().default(false),
    details: z.boolean().default(false),
    do_sample: z.boolean().default(false),
    frequency_penalty: z.number().gt(-2, 'must be > -2.0').max(2, 'must be <= 2.0').nullish(),
    grammar: TgiGrammar.nullish(),
    max_new_tokens: z
      .number()
      .max(maxTokensLimit, { error: `must be at most ${maxTokensLimit}`, abort: true })
      .int('must be an integer')
      .gt(0, 'must be strictly positive')
      .nullish(),
    repetition_penalty: z.number().gt(0, 'must be strictly positive').nullish(),
    return_full_text: z.boolean().nullish(),
    seed: z.number().int('must be an integer').min(0, 'must be positive').nullish(),
    stop: z
      .array(z.string().min(1, 'a stop sequence must not be empty'))
      .max(4, 'supports up to 4 stop sequences')
      .nullish(),
    temperature: z
      .number()
      .gt(0, 'must be strictly positive')
      .max(2, 'must be <= 2.0 on this server')
      .nullish(),
    top_k: z.number().int('must be an integer').gt(0, 'must be strictly positive').nullish(),
    top_n_tokens: z
      .number()
      .int('must be an integer')
      .min(0)
      .max(maxLogprobsTopK, `must be >= 0 and <= ${maxLogprobsTopK}`)
      .nullish(),
    top_p: z.number().gt(0, 'must be > 0.0 and <= 1.0').max(1, 'must be > 0.0 and <= 1.0').nullish(),
    truncate: z.number().int('must be an integer').gt(0, 'must be strictly positive').nullish(),
    typical_p: z.number().gt(0).max(1).nullish(),
    watermark: z.boolean().default(false),
  })
  .meta({ id: 'TgiGenerateParameters' });
export type TgiGenerateParameters = z.infer<typeof TgiGenerateParameters>;

export const TgiGenerateRequest = z
  .object({
    inputs: z.string({ error: 'must be a string' }).min(1, 'cannot be empty'),
    // Absent or null reads as `{}`, every parameter at its default.
    parameters: TgiGenerateParameters.nullish().transform(
      (value) => value ?? TgiGenerateParameters.parse({}),
    ),
  })
  .meta({ id: 'TgiGenerateRequest' });
export type TgiGenerateRequest = z.infer<typeof TgiGenerateRequest>;

/** `POST /`: the same, streamed when `stream` is true. */
export const TgiCompatGenerateRequest = TgiGenerateRequest.extend({
  stream: z.boolean().default(false),
}).meta({ id: 'TgiCompatGenerateRequest' });
export type TgiCompatGenerateRequest = z.infer<typeof TgiCompatGenerateRequest>;
