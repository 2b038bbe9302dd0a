import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PartRange } from '../parts/part-range.js';

export interface ScanInputOptions {
  /** Where the copy is written: the batch reads its lines from there, whatever happens to the original. */
  destination: string;
  linesPerPart: number;
  /** Called with every non-blank line (1-based physical line number), in order. */
  onLine?(text: string, line: number): void;
  signal?: AbortSignal;
}

export interface ScannedInput {
  /** Non-blank lines: the batch's requests. */
  lines: number;
  parts: PartRange[];
}

const newline = 0x0a;

/**
 * Copies an input file to `destination` in one pass while cutting it into parts of
 * `linesPerPart` non-blank lines, each part a byte range starting at its first line, so a worker
 * reads its part without scanning what comes before. Blank lines are skipped but counted, so line
 * numbers match what an editor shows.
 */
export async function scanInput(source: Readable, options: ScanInputOptions): Promise<ScannedInput> {
  const sink = createWriteStream(options.destination, { flags: 'wx' });
  const parts: PartRange[] = [];
  let open: PartRange | undefined;
  let offset = 0;
  let lineStart = 0;
  let lineNumber = 0;
  let lines = 0;
  let pending: Buffer[] = [];

  const endLine = (lineEnd: number) => {
    lineNumber++;
    const text = Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
    pending = [];
    if (text.trim() !== '') {
      lines++;
      options.onLine?.(text, lineNumber);
      open ??= { firstLine: lineNumber, start: lineStart, end: lineEnd, lines: 0 };
      open.lines++;
      open.end = lineEnd;
      if (open.lines === options.linesPerPart) {
        parts.push(open);
        open = undefined;
      }
    }
    lineStart = lineEnd;
  };

  try {
    for await (const chunk of source) {
      options.signal?.throwIfAborted();
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      if (!sink.write(bytes)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
      let from = 0;
      for (let index = bytes.indexOf(newline); index !== -1; index = bytes.indexOf(newline, from)) {
        pending.push(bytes.subarray(from, index));
        endLine(offset + index + 1);
        from = index + 1;
      }
      if (from < bytes.length) pending.push(Buffer.from(bytes.subarray(from)));
      offset += bytes.length;
    }
    if (offset > lineStart) endLine(offset);
    if (open) parts.push(open);
    sink.end();
    await finished(sink);
  } catch (error) {
    sink.destroy();
    source.destroy();
    throw error;
  }
  return { lines, parts };
}
