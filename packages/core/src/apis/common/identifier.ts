import { z } from 'zod';

/** Characters an id may hold after its first one, as the error message lists them. */
const identifierCharacters = 'letters, digits and . _ - ~ : / @ + =';
const identifierPattern = /^[A-Za-z0-9][A-Za-z0-9._~:/@+=-]*$/;

export interface IdentifierOptions {
  /** Longest id accepted, in characters. Default 128. */
  maxLength?: number;
}

/**
 * The schema of a client-chosen id (an agent, a session, a memory bank, a document, a job, a
 * dataset). The rule, the same for every id:
 * - 1 to 128 characters (`maxLength`; document ids allow 256, for ids that are URLs or paths);
 * - ASCII letters, digits and `. _ - ~ : / @ + =`, starting with a letter or a digit.
 *
 * That takes UUIDs, slugs (`travel-agent`), names with dots or slashes (`handbook/leave.md`),
 * `user@host` and `https://host/path` ids, and refuses whitespace, control characters, quotes,
 * backslashes, `%`, `?`, `#` and `&` (query-string delimiters a client may forget to encode), and
 * leading `.`, `-` or `/`. Stores never rely on the rule to build a path: they encode or hash ids
 * into bounded names of their own.
 *
 * @param missing the message when the id is empty, naming what it must name.
 */
export function identifier(missing: string, { maxLength = 128 }: IdentifierOptions = {}) {
  return z
    .string()
    .min(1, { error: missing, abort: true })
    .max(maxLength, {
      error: (issue) =>
        `must be at most ${maxLength} characters long (this one has ${String(issue.input).length})`,
      abort: true,
    })
    .regex(
      identifierPattern,
      `may only hold ${identifierCharacters}, and must start with a letter or a digit`,
    );
}
