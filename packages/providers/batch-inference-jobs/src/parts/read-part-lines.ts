import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { PartRange } from './part-range.js';

/** A non-blank input line and its 1-based physical line number. */
export interface InputLine {
  line: number;
  text: string;
}

/** The non-blank lines of one part, read from its byte range of the input copy. */
export async function readPartLines(inputPath: string, part: PartRange): Promise<InputLine[]> {
  const lines: InputLine[] = [];
  if (part.end <= part.start) return lines;
  const reader = createInterface({
    input: createReadStream(inputPath, { start: part.start, end: part.end - 1 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = part.firstLine;
  for await (const text of reader) {
    if (text.trim() !== '') lines.push({ line, text });
    line++;
  }
  return lines;
}
