import { StackError } from '@llama-stack-ts/core';
import type { Context } from 'hono';
import type { z } from 'zod';

/** `messages[1].content` for a zod path: how OpenAI names a nested `param`. */
export function formatParam(path: readonly PropertyKey[]): string {
  let param = '';
  for (const segment of path) {
    if (typeof segment === 'number') param += `[${segment}]`;
    else param += param ? `.${String(segment)}` : String(segment);
  }
  return param;
}

/** A 400 `invalid_request_error` naming `param`, as OpenAI words it. */
export function invalidParam(param: string, reason: string): StackError {
  return new StackError(400, 'invalid_request', param ? `Invalid '${param}': ${reason}` : reason, {
    field: param || undefined,
  });
}

/**
 * Reads the JSON body and validates it with `schema`. Unknown fields are dropped, as OpenAI ignores
 * fields it does not know; a malformed field is a 400 naming it (the first one, with how many more).
 */
export async function parseOpenAiBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    throw invalidParam(
      '',
      'We could not parse the JSON body of your request. Send a JSON object with Content-Type: application/json.',
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidParam('', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const param = first ? formatParam(first.path) : '';
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw invalidParam(param, `${first?.message ?? 'invalid value'}${more}`);
}
