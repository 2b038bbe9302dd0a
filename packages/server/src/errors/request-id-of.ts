import type { Context } from 'hono';

/** The request's id (from the `requestId` middleware), or `unknown` when the app runs without it. */
export function requestIdOf(c: Context): string {
  return (c.get('requestId') as string | undefined) ?? 'unknown';
}
