import { createReadStream } from 'node:fs';
import { CsvError, type Info, parse } from 'csv-parse';
import { RowProblem } from '../rows/row-problem.js';
import type { RawRecord, ReadRecordsOptions } from './raw-record.js';

/**
 * The rows of a CSV file (RFC 4180, through `csv-parse`): the first line names the columns, each
 * later record is a row of strings keyed by them. Every column in `requiredColumns` must be in the
 * header. Streamed record by record.
 */
export async function* readCsvRecords(
  path: string,
  requiredColumns: readonly string[],
  options: ReadRecordsOptions,
): AsyncGenerator<RawRecord> {
  const input = createReadStream(path, { signal: options.signal });
  const parser = input.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      info: true,
      // The header is checked before any row: a missing column is one problem, not one per row.
      columns: (header: string[]) => {
        const missing = requiredColumns.filter((column) => !header.includes(column));
        if (missing.length > 0) {
          throw new RowProblem(
            `the CSV header (${header.join(', ')}) has no column ${missing.map((name) => `'${name}'`).join(', ')}`,
            { line: 1 },
          );
        }
        return header;
      },
    }),
  );
  input.once('error', (error) => parser.destroy(error));
  let index = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: Info;
    }>) {
      const rowIndex = index++;
      if (rowIndex < options.startIndex) continue;
      yield { index: rowIndex, line: info.lines, value: record };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new RowProblem(`is not valid CSV (${error.message})`, {
        index,
        line: (error as CsvError & { lines?: number }).lines,
      });
    }
    throw error;
  } finally {
    parser.destroy();
    input.destroy();
  }
}
