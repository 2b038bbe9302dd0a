import type { ContentFormat } from './content-format.js';
import type { RawRecord, ReadRecordsOptions } from './raw-record.js';
import { readCsvRecords } from './read-csv-records.js';
import { readJsonArrayRecords } from './read-json-array-records.js';
import { readJsonlRecords } from './read-jsonl-records.js';
import { readParquetRecords } from './read-parquet-records.js';

/** The records of a content file in `format`, from `startIndex` on, read as they are asked for. */
export function readRecords(
  path: string,
  format: ContentFormat,
  columns: readonly string[],
  options: ReadRecordsOptions,
): AsyncGenerator<RawRecord> {
  switch (format) {
    case 'jsonl':
      return readJsonlRecords(path, options);
    case 'json':
      return readJsonArrayRecords(path, options);
    case 'csv':
      return readCsvRecords(path, columns, options);
    case 'parquet':
      return readParquetRecords(path, options);
  }
}
