import type { z } from 'zod';
import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** `messages.0.content` for a zod issue path; `(root)` for the value itself. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((segment) => String(segment)).join('.');
}

/** Turns the first zod issue into an `InvalidRequestError` naming the field, with the rest appended. */
export function toInvalidRequestError(error: z.ZodError, prefix = ''): InvalidRequestError {
  const [first, ...rest] = error.issues;
  const fieldOf = (issue: z.core.$ZodIssue) =>
    [prefix, formatIssuePath(issue.path)].filter((part) => part && part !== '(root)').join('.') || '(root)';
  const field = first ? fieldOf(first) : prefix || '(root)';
  const more =
    rest.length > 0 ? ` (and ${rest.map((issue) => `${fieldOf(issue)}: ${issue.message}`).join('; ')})` : '';
  return new InvalidRequestError(field, `${first?.message ?? 'invalid value'}${more}`, { cause: error });
}

/** Parses `value` with `schema` or throws an `InvalidRequestError` whose field is `prefix.path`. */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  prefix = '',
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw toInvalidRequestError(result.error, prefix);
  return result.data;
}
