import { extname } from 'node:path';

const mediaTypesByExtension: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.ndjson': 'application/jsonl',
  '.csv': 'text/csv',
  '.pdf': 'application/pdf',
  '.parquet': 'application/vnd.apache.parquet',
};

/** The media type a file name's extension stands for (`rows.jsonl` → `application/jsonl`), else `undefined`. */
export function mediaTypeFromFileName(fileName: string | undefined): string | undefined {
  return fileName ? mediaTypesByExtension[extname(fileName).toLowerCase()] : undefined;
}

/** `Text/HTML; charset=utf-8` → `text/html`. */
export function baseMediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** The `charset` parameter of a Content-Type, if any. */
export function charsetOf(contentType: string | null | undefined): string | undefined {
  return contentType ? /;\s*charset="?([^";\s]+)/i.exec(contentType)?.[1] : undefined;
}
