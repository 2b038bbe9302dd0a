/** One record as a content format holds it, before the columns' types are checked. */
export interface RawRecord {
  /** The row's index, counting from 0. */
  index: number;
  /** The line it starts on (JSONL, JSON, CSV); `undefined` where the format has no lines (Parquet). */
  line: number | undefined;
  value: unknown;
}

export interface ReadRecordsOptions {
  /** The first row to yield (rows before it are skipped as cheaply as the format allows). */
  startIndex: number;
  /** A row index the caller will stop before, so a format read in blocks reads no further. Default: the end. */
  endIndex?: number;
  signal?: AbortSignal | undefined;
}
