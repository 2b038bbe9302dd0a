import { summarizeIssues } from '@llama-stack-ts/provider-utils';
import type { Context } from 'hono';
import type { z } from 'zod';
import { readJsonBody } from '../validation/read-json-body.js';
import { tgiValidationError } from './tgi-validation-error.js';

/**
 * Reads and validates a TGI request body. A problem is a 422 naming the field as TGI does
 * (`\`top_p\` must be > 0.0 and <= 1.0`), the first one, with how many more.
 */
export async function parseTgiBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  return validateTgiBody(schema, await readTgiJson(c));
}

/** The request body as JSON; a body that is empty or not JSON is a 422 in TGI's words. */
export async function readTgiJson(c: Context): Promise<unknown> {
  const raw = await readJsonBody(c, {
    malformed: (reason) => tgiValidationError('', `the request body is not valid JSON (${reason})`),
  });
  if (raw === undefined) {
    throw tgiValidationError('', 'the request body is empty: send a JSON object with `inputs`');
  }
  return raw;
}

/** Validates a body already read with `schema`, as `parseTgiBody` does. */
export function validateTgiBody<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.output<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const { first, more } = summarizeIssues(result.error);
  const field = first?.path.filter((segment) => typeof segment === 'string').at(-1) ?? '';
  const message =
    first?.code === 'invalid_type' && first.input === undefined ? 'is required' : first?.message;
  throw tgiValidationError(String(field), `${message ?? 'is invalid'}${more}`);
}
