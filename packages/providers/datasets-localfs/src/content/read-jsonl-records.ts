import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { RowProblem } from '../rows/row-problem.js';
import type { RawRecord, ReadRecordsOptions } from './raw-record.js';

/**
 * The rows of a JSONL file, one JSON object per non-blank line, read line by line (memory stays
 * flat). Rows before `startIndex` are counted, not parsed.
 */
export async function* readJsonlRecords(
  path: string,
  options: ReadRecordsOptions,
): AsyncGenerator<RawRecord> {
  const input = createReadStream(path, { encoding: 'utf8', signal: options.signal });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  let index = 0;
  try {
    for await (const text of lines) {
      line++;
      const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
      if (trimmed === '') continue;
      const rowIndex = index++;
      if (rowIndex < options.startIndex) continue;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        throw new RowProblem(`is not JSON (${(error as Error).message})`, { index: rowIndex, line });
      }
      yield { index: rowIndex, line, value };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
