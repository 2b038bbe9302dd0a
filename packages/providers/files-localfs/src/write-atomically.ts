import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface WriteAtomicallyOptions {
  /** A directory on the same file system as `target`, where the bytes wait until they are whole. */
  temporaryDir: string;
  /** Most bytes written; beyond them the write fails with `tooLarge()` and leaves nothing. */
  maxBytes?: number;
  tooLarge?: () => Error;
  signal?: AbortSignal;
}

/**
 * Writes `source` to `target` so that `target` holds all of it or does not change: the bytes go to a
 * temporary file, flushed to the disk, which is then renamed over `target` (a rename within one
 * file system is atomic). A failure, an abort or a crash leaves at most a temporary file behind,
 * never a partial `target`. Answers the number of bytes written.
 */
export async function writeAtomically(
  target: string,
  source: ReadableStream<Uint8Array> | string,
  { temporaryDir, maxBytes = Number.POSITIVE_INFINITY, tooLarge, signal }: WriteAtomicallyOptions,
): Promise<number> {
  const temporary = join(temporaryDir, `${randomUUID()}.part`);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) callback(tooLarge?.() ?? new RangeError(`more than ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  });
  const input =
    typeof source === 'string'
      ? Readable.from([Buffer.from(source, 'utf8')])
      : Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>);
  try {
    await pipeline(input, counter, createWriteStream(temporary, { flags: 'wx', flush: true }), {
      ...(signal ? { signal } : {}),
    });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return bytes;
}
