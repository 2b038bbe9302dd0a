import { mediaTypeFromFileName } from '@llama-stack-ts/provider-utils/url-fetch';

/** The formats a dataset's content may have. */
export type ContentFormat = 'jsonl' | 'json' | 'csv' | 'parquet';

const formatsByMediaType: Readonly<Record<string, ContentFormat>> = {
  'application/jsonl': 'jsonl',
  'application/jsonlines': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/ndjson': 'jsonl',
  'application/x-ndjson': 'jsonl',
  'application/json': 'json',
  'text/json': 'json',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.apache.parquet': 'parquet',
  'application/parquet': 'parquet',
  'application/x-parquet': 'parquet',
};

/** The extension a copy of the content is stored under. */
export const contentFormatExtensions: Readonly<Record<ContentFormat, string>> = {
  jsonl: '.jsonl',
  json: '.json',
  csv: '.csv',
  parquet: '.parquet',
};

/**
 * The format of a content: by the file name's extension (`.jsonl`, `.ndjson`, `.json`, `.csv`,
 * `.parquet`) where it names one, since servers often send a generic type for them; else by the
 * declared media type. `undefined` when neither tells.
 */
export function contentFormatOf(content: {
  mediaType: string | undefined;
  fileName: string | undefined;
}): ContentFormat | undefined {
  const byExtension = formatsByMediaType[mediaTypeFromFileName(content.fileName) ?? ''];
  return byExtension ?? formatsByMediaType[content.mediaType ?? ''];
}
