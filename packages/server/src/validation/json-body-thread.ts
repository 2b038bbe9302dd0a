import { Piscina } from 'piscina';
import type { JsonBodyOutcome } from './json-body-parse.js';

/**
 * Bodies larger than this are parsed on the JSON body thread. Decoding and parsing cost about
 * 15-30 ms per MiB on a busy 2-core machine; below this size the hop to the thread costs more than it saves.
 */
export const offThreadJsonBytes = 1024 * 1024;

// The task is the bytes, moved (transferred) rather than copied to the thread.
let pool: Piscina<ReturnType<typeof Piscina.move>, JsonBodyOutcome> | undefined;

/**
 * Parses a large body on a thread of its own (`json-body-parse.js`), so that decoding and parsing
 * megabytes of JSON never holds up the event loop (issue 14: a 15 MB body stalled every other request
 * for 0.3 s on parsing alone). The main thread then only receives the parsed value, a copy of
 * strings and objects. The thread starts on the first large body, serves one at a time, and ends
 * after a minute without one; it never keeps the process alive.
 */
export function parseJsonBodyOffThread(bytes: Uint8Array): Promise<JsonBodyOutcome> {
  pool ??= new Piscina({
    filename: new URL('./json-body-parse.js', import.meta.url).href,
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 60_000,
  });
  return pool.run(Piscina.move(bytes));
}
