import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { RowProblem } from '../rows/row-problem.js';
import type { RawRecord, ReadRecordsOptions } from './raw-record.js';

/**
 * The rows of a Parquet file through `hyparquet` (pure JS; snappy, gzip, zstd, brotli and lz4 via
 * `hyparquet-compressors`), one row group at a time from the group holding `startIndex`: memory
 * holds a row group, not the file. Values become JSON (64-bit integers numbers, dates ISO strings).
 */
export async function* readParquetRecords(
  path: string,
  options: ReadRecordsOptions,
): AsyncGenerator<RawRecord> {
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new RowProblem(`is not a readable Parquet file (${(error as Error).message})`);
  }
  const endIndex = options.endIndex ?? Number.POSITIVE_INFINITY;
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    const rowStart = Math.max(groupStart, options.startIndex);
    const rowEnd = Math.min(groupEnd, endIndex);
    if (rowStart < rowEnd) {
      options.signal?.throwIfAborted();
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors });
      } catch (error) {
        throw new RowProblem(`is not a readable Parquet file (${(error as Error).message})`, {
          index: rowStart,
        });
      }
      for (const [offset, row] of rows.entries()) {
        yield { index: rowStart + offset, line: undefined, value: toJsonValue(row) };
      }
    }
    if (groupEnd >= endIndex) return;
    groupStart = groupEnd;
  }
}

/** A Parquet value as JSON: 64-bit integers as numbers (strings past 2^53), dates as ISO text, bytes as base64. */
function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item)]));
  }
  return value;
}
