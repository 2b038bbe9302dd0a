/**
 * The URL without its password (`redis://user:***@host:6379`), for messages and logs: secrets are
 * never logged. A string that is not a URL becomes `fallback`, as it may hold a secret of its own.
 */
export function redactUrl(url: string, fallback = 'the configured URL'): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return fallback;
  }
}
