import { summarizeIssues } from '@llama-stack-ts/provider-utils';
import type { z } from 'zod';
import { invalidParam } from './invalid-param.js';

/** `messages[1].content` for a zod path: how OpenAI names a nested `param`. */
function formatParam(path: readonly PropertyKey[]): string {
  let param = '';
  for (const segment of path) {
    if (typeof segment === 'number') param += `[${segment}]`;
    else param += param ? `.${String(segment)}` : String(segment);
  }
  return param;
}

/**
 * Validates a decoded request body with `schema`. Unknown fields are dropped, as OpenAI ignores
 * fields it does not know; a body that is not an object, or a malformed field, is a 400 naming it
 * (the first one, with how many more).
 */
export function parseOpenAiRequest<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.output<Schema> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidParam('', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const { first, more } = summarizeIssues(result.error);
  throw invalidParam(first ? formatParam(first.path) : '', `${first?.message ?? 'invalid value'}${more}`);
}
