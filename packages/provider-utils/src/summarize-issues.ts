import type { z } from 'zod';

/**
 * The first problem of a failed validation, and how many more there are (` (and 2 more problems)`):
 * what the OpenAI and TGI routes report, as their servers name one field per error.
 */
export function summarizeIssues(error: z.ZodError): { first: z.core.$ZodIssue | undefined; more: string } {
  const [first, ...rest] = error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return { first, more };
}
