import { maxTokensLimit } from '@llama-stack-ts/core';
import { z } from 'zod';

/**
 * Request fields the chat and legacy completion endpoints share. Every optional field accepts
 * `null` (clients send it for "unset"), and unknown fields are dropped, as OpenAI does.
 */

export const Temperature = z
  .number({ error: 'must be a number' })
  .min(0, 'must be at least 0')
  .max(2, 'must be at most 2')
  .nullish();

export const TopP = z
  .number({ error: 'must be a number' })
  .min(0, 'must be at least 0')
  .max(1, 'must be at most 1')
  .nullish();

export const Penalty = z
  .number({ error: 'must be a number' })
  .min(-2, 'must be at least -2')
  .max(2, 'must be at most 2')
  .nullish();

export const Seed = z.number({ error: 'must be an integer' }).int('must be an integer').nullish();

export const MaxTokens = z
  .number({ error: 'must be an integer' })
  .max(maxTokensLimit, { error: `must be at most ${maxTokensLimit}`, abort: true })
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .nullish();

/** `n`: how many choices to generate; the upper bound is a route option (`maxChoices`). */
export const ChoiceCount = z
  .number({ error: 'must be an integer' })
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .nullish();

/** Up to 4 stop sequences, as a string or a list. */
export const Stop = z
  .union(
    [
      z.string().min(1, 'a stop sequence must not be empty'),
      z.array(z.string().min(1, 'a stop sequence must not be empty')).max(4, 'at most 4 stop sequences'),
    ],
    { error: 'must be a string or a list of up to 4 strings' },
  )
  .nullish();

export const StreamOptions = z.object({ include_usage: z.boolean().nullish() }).nullish();

/** Extensions vLLM and TGI accept on the OpenAI routes. */
export const TopK = z.number({ error: 'must be an integer' }).int('must be an integer').min(0).nullish();
export const RepetitionPenalty = z
  .number({ error: 'must be a number' })
  .gt(0, 'must be greater than 0')
  .nullish();

/** The fields of the chat and legacy completion requests alike, spread into each `z.object`. */
export const generationRequestFields = {
  /** Optional: a missing, `tgi` or URL model falls back to the default model (as TGI's route does). */
  model: z.string().nullish(),
  frequency_penalty: Penalty,
  presence_penalty: Penalty,
  max_tokens: MaxTokens,
  n: ChoiceCount,
  seed: Seed,
  stop: Stop,
  stream: z.boolean().nullish(),
  stream_options: StreamOptions,
  temperature: Temperature,
  top_p: TopP,
  top_k: TopK,
  repetition_penalty: RepetitionPenalty,
};

/** The stop sequences as a list (OpenAI accepts a single string). */
export function stopList(stop: string | readonly string[] | null | undefined): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  return typeof stop === 'string' ? [stop] : [...stop];
}

/**
 * A text or a non-empty list of texts (`prompt`, `input`). Token-id arrays are valid OpenAI input
 * but this server works on text, so they are rejected with a message that says so.
 */
export function textOrTexts(what: string) {
  return z
    .unknown()
    .transform((value, ctx): string | string[] => {
      const fail = (message: string): never => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      if (value === undefined || value === null) return fail(`required: the ${what} as text`);
      if (typeof value === 'string') return value;
      if (!Array.isArray(value)) return fail('must be a string or a list of strings');
      if (value.length === 0) return fail(`must hold at least one ${what}`);
      if (value.every((item) => typeof item === 'string')) return value as string[];
      if (value.every((item) => typeof item === 'number' || Array.isArray(item))) {
        return fail(`token-id ${what}s are not supported: send the ${what} as text`);
      }
      return fail('must be a string or a list of strings');
    })
    .meta({
      // The transform above validates; this is what the OpenAPI document shows clients.
      description: `The ${what} as text, or a list of ${what}s.`,
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    });
}
