import { randomBytes } from 'node:crypto';

/** `file-`, 12 hex digits of milliseconds, 16 hex digits of randomness. */
const fileIdPattern = /^file-[0-9a-f]{28}$/;

let lastMilliseconds = 0;

/**
 * A new file id that sorts after every id made before it in this process, and by creation time
 * across processes (the first 12 hex digits are the time in milliseconds): listing sorts ids as
 * text, and a page's `after` cursor still places itself when its file was deleted meanwhile.
 */
export function newFileId(now = Date.now()): string {
  lastMilliseconds = Math.max(now, lastMilliseconds + 1);
  return `file-${lastMilliseconds.toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}

/** Whether `id` is one `newFileId` could have made: anything else names no file (and no path). */
export function isFileId(id: string): boolean {
  return fileIdPattern.test(id);
}
