import { randomUUID } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A holder that stops for longer than this (killed mid-write, its machine lost) has its lock taken
 * over: a registry write holds the lock for milliseconds.
 */
const staleAfterMs = 30_000;
const pollMs = 10;

/**
 * Runs `work` holding `<path>.lock`, a file created exclusively, so processes sharing the data
 * directory (API servers and workers, on one machine or on several over a shared filesystem) change
 * the file one at a time. Processes on other machines cannot be asked whether they live, so a lock
 * older than `staleAfterMs` is taken as abandoned.
 */
export async function withRegistryLock<T>(path: string, work: () => Promise<T>): Promise<T> {
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
