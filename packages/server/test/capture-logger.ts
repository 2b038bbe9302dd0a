import { type Logger, pino } from 'pino';

/** A pino logger whose lines land, parsed, in `lines`: the tests read what the server logged. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ base: undefined }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}
