import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A holder that stops for longer than this (killed mid-write, its machine lost) has its lock taken
 * over: a registry write holds the lock for milliseconds.
 */
const staleAfterMs = 30_000;
const pollMs = 10;

/**
 * Runs `work` holding `<path>.lock`, a file created exclusively, so processes sharing a data
 * directory (API servers and workers, on one machine or on several over a shared filesystem) change
 * the file at `path` one at a time. Processes on other machines cannot be asked whether they live, so a lock
 * older than `staleAfterMs` is taken as abandoned.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const token = randomUUID();
  for (;;) {
    try {
      await writeFile(lock, token, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const taken = await stat(lock).catch(() => undefined);
    if (taken && Date.now() - taken.mtimeMs > staleAfterMs) await rm(lock, { force: true });
    else await sleep(pollMs);
  }
  try {
    return await work();
  } finally {
    const holder = await readFile(lock, 'utf8').catch(() => undefined);
    if (holder === token) await rm(lock, { force: true });
  }
}

/**
 * Which file is at `path` now (`absent` when none): a writer that renames a new file over the old
 * one changes the inode and the change time (nanoseconds), so one `stat` tells whether a file read
 * earlier was replaced, even by one of the same size.
 */
export function fileIdentity(path: string): string {
  const info = statSync(path, { bigint: true, throwIfNoEntry: false });
  return info ? `${info.ino}:${info.ctimeNs}:${info.size}` : 'absent';
}
