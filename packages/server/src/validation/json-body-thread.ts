import { StringDecoder } from 'node:string_decoder';
import { EventLoopSlices } from '@llama-stack-ts/provider-utils';
import { Piscina } from 'piscina';
import type { JsonBodyOutcome, LiftedStrings } from './json-body-parse.js';

/**
 * Bodies larger than this are parsed on the JSON body thread. Decoding and parsing cost about
 * 15-30 ms per MiB on a busy 2-core machine; below this size the hop to the thread costs more than it saves.
 */
export const offThreadJsonBytes = 1024 * 1024;

/** UTF-8 bytes of a lifted string decoded between two looks at the clock. */
const decodeBytes = 256 * 1024;

// The task is the bytes, moved (transferred) rather than copied to the thread.
let pool: Piscina<ReturnType<typeof Piscina.move>, JsonBodyOutcome> | undefined;

/**
 * Parses a large body on a thread of its own (`json-body-parse.js`), so that decoding and parsing
 * megabytes of JSON never holds up the event loop (issue 14: a 15 MB body stalled every other request
 * for 0.3 s on parsing alone). The main thread then receives the parsed value, a copy of its
 * objects and short strings, and decodes its long strings from shared memory in event-loop slices
 * (`parseJsonBodyOnThread`). The thread starts on the first large body, serves one at a time, and
 * ends after a minute without one; it never keeps the process alive.
 */
export async function parseJsonBodyOffThread(bytes: Uint8Array): Promise<JsonBodyOutcome> {
  pool ??= new Piscina({
    filename: new URL('./json-body-parse.js', import.meta.url).href,
    name: 'parseJsonBodyOnThread',
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 60_000,
  });
  const outcome = await pool.run(Piscina.move(bytes));
  if (outcome.kind !== 'parsed' || !outcome.lifted) return outcome;
  const { lifted, ...parsed } = outcome;
  await restoreLiftedStrings(lifted);
  // A body that was one long string was restored into `outcome`.
  return { ...parsed, body: outcome.body };
}

/** Decodes each lifted string into its place, a slice of the event loop at a time. */
async function restoreLiftedStrings({ buffer, strings }: LiftedStrings): Promise<void> {
  const slices = new EventLoopSlices();
  for (const { parent, key, start, end } of strings) {
    const decoder = new StringDecoder('utf8');
    let text = '';
    for (let at = start; at < end; at += decodeBytes) {
      // A character split between two pieces is held back by the decoder until the next one.
      text += decoder.write(Buffer.from(buffer, at, Math.min(decodeBytes, end - at)));
      if (slices.due()) await slices.next();
    }
    parent[key] = text + decoder.end();
  }
}
