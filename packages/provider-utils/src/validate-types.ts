import { formatIssuePath } from '@llama-stack-ts/core';
import type { z } from 'zod';
import { InvalidResponseError } from './invalid-response-error.js';

/** Parses a response value with its schema; a mismatch becomes an `InvalidResponseError` naming the path. */
export function validateTypes<Schema extends z.ZodType>(options: {
  value: unknown;
  schema: Schema;
  url?: string;
}): z.output<Schema> {
  const result = options.schema.safeParse(options.value);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more issue${rest.length === 1 ? '' : 's'})` : '';
  throw new InvalidResponseError({
    url: options.url,
    path: first ? formatIssuePath(first.path) : undefined,
    reason: `${first?.message ?? 'invalid value'}${more}`,
    value: options.value,
    cause: result.error,
  });
}

/** `JSON.parse` whose failure is an `InvalidResponseError` quoting the start of the text. */
export function parseJson(text: string, url?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const excerpt = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw new InvalidResponseError({
      url,
      reason: `not valid JSON: ${JSON.stringify(excerpt)}`,
      cause: error,
    });
  }
}
