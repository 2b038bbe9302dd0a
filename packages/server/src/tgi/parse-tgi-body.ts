import type { Context } from 'hono';
import type { z } from 'zod';
import { tgiValidationError } from './tgi-error.js';

/**
 * Reads and validates a TGI request body. A problem is a 422 naming the field as TGI does
 * (`\`top_p\` must be > 0.0 and <= 1.0`), the first one, with how many more.
 */
export async function parseTgiBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw tgiValidationError('', `the request body is not valid JSON (${reason})`);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const field = first?.path.filter((segment) => typeof segment === 'string').at(-1) ?? '';
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  const message =
    first?.code === 'invalid_type' && first.input === undefined ? 'is required' : first?.message;
  throw tgiValidationError(String(field), `${message ?? 'is invalid'}${more}`);
}
