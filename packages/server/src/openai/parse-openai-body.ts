import type { Context } from 'hono';
import type { z } from 'zod';
import { readJsonBody } from '../validation/read-json-body.js';
import { summarizeIssues } from '../validation/summarize-issues.js';
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
 * Reads the JSON body and validates it with `schema`. Unknown fields are dropped, as OpenAI ignores
 * fields it does not know; a malformed field is a 400 naming it (the first one, with how many more).
 */
export async function parseOpenAiBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const raw = await readJsonBody(c, {
    malformed: () =>
      invalidParam(
        '',
        'We could not parse the JSON body of your request. Send a JSON object with Content-Type: application/json.',
      ),
  });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidParam('', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const { first, more } = summarizeIssues(result.error);
  throw invalidParam(first ? formatParam(first.path) : '', `${first?.message ?? 'invalid value'}${more}`);
}
