import { z } from 'zod';

/** What this provider reads of a TGI server's answers (TGI 2.x, `../shared/spec/tgi-openapi.json`). */

export const UpstreamTgiToken = z.object({
  id: z.number().int().nullish(),
  text: z.string(),
  logprob: z.number().nullish(),
  special: z.boolean().default(false),
});
export type UpstreamTgiToken = z.infer<typeof UpstreamTgiToken>;

export const UpstreamTgiGenerateResponse = z.object({
  generated_text: z.string(),
  details: z
    .object({
      finish_reason: z.string(),
      generated_tokens: z.number().int(),
      prefill: z.array(z.unknown()).default([]),
      tokens: z.array(UpstreamTgiToken).default([]),
      top_tokens: z.array(z.array(UpstreamTgiToken)).nullish(),
    })
    .nullish(),
});
export type UpstreamTgiGenerateResponse = z.infer<typeof UpstreamTgiGenerateResponse>;

export const UpstreamTgiStreamEvent = z.object({
  token: UpstreamTgiToken,
  top_tokens: z.array(UpstreamTgiToken).nullish(),
  details: z
    .object({
      finish_reason: z.string(),
      generated_tokens: z.number().int(),
      input_length: z.number().int().nullish(),
    })
    .nullish(),
});

export const UpstreamTgiInfo = z.object({
  model_id: z.string(),
  max_total_tokens: z.number().int().positive().nullish(),
});

export const UpstreamTgiTokens = z.array(z.object({ id: z.number().int(), text: z.string() }));

/** TGI's error body: `{ "error": "...", "error_type": "validation" }`. */
export const UpstreamTgiError = z.object({ error: z.string() });
