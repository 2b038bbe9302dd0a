/**
 * One Server-Sent Event carrying `data` as a single JSON line. `JSON.stringify` escapes every line
 * break inside strings, so one `data:` line always holds the whole chunk.
 */
export function formatSseEvent(data: unknown, event?: string): string {
  if (event !== undefined && /[\r\n]/.test(event))
    throw new TypeError('An SSE event name must not contain CR or LF.');
  const json = JSON.stringify(data) ?? 'null';
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${json}\n\n`;
}
