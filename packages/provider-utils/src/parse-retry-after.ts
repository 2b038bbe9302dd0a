/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds (`"2"`) or an HTTP date.
 * `undefined` when the header is absent or unreadable; a date in the past reads as 0.
 */
export function parseRetryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
