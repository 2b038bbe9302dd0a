import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DependencyUnavailableError,
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
} from '@llama-stack-ts/core';
import { decodeDataUrl } from '@llama-stack-ts/provider-utils';
import type { DocumentSource, ReadDocumentOptions } from './document-source.js';

const providerType = 'inline::lancedb';
const sizeHint = 'raise max_document_bytes in the inline::lancedb config';

/** Declared MIME types that say nothing about the content; the source's own type replaces them. */
const genericMimeTypes = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

const mimeTypesByExtension: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv',
};

/**
 * Reads a document's `content`: inline text, a `data:` URL, an `http(s)://` URL (fetched within
 * the size and time limits) or a `file://` URL (only under `allowedFileRoots`). `field` is the
 * request path of the content (`documents.0.content`), named by every error.
 *
 * A content counts as a URL only when it is one token with a known scheme; anything else is text.
 */
export async function readDocumentSource(
  content: string,
  declaredMimeType: string,
  field: string,
  options: ReadDocumentOptions,
): Promise<DocumentSource> {
  const declared = baseMimeType(declaredMimeType);
  const pick = (sourceType: string | undefined) =>
    genericMimeTypes.has(declared) && sourceType ? baseMimeType(sourceType) : declared;

  if (/^data:\S/i.test(content)) {
    const { mediaType, charset, bytes } = decodeDataUrl(content.trim(), {
      field,
      maxBytes: options.maxBytes,
      maxBytesHint: sizeHint,
    });
    return { kind: 'bytes', bytes, charset, mimeType: pick(mediaType) };
  }
  const trimmed = content.trim();
  if (/^https?:\/\/\S+$/i.test(trimmed)) return fetchHttp(trimmed, field, options, pick);
  if (/^file:\/\/\S+$/i.test(trimmed)) return readFileUrl(trimmed, field, options, pick);

  const size = Buffer.byteLength(content, 'utf8');
  if (size > options.maxBytes)
    throw new PayloadTooLargeError(`${field} (${size} bytes of text)`, options.maxBytes, sizeHint);
  return { kind: 'text', text: content, mimeType: pick('text/plain') };
}

/** `Text/HTML; charset=utf-8` → `text/html`. */
export function baseMimeType(mimeType: string): string {
  return mimeType.split(';')[0]!.trim().toLowerCase();
}

function charsetOf(mimeType: string | null): string | undefined {
  return mimeType ? /;\s*charset="?([^";\s]+)/i.exec(mimeType)?.[1] : undefined;
}

async function fetchHttp(
  url: string,
  field: string,
  options: ReadDocumentOptions,
  pick: (sourceType: string | undefined) => string,
): Promise<DocumentSource> {
  if (!options.allowHttp) {
    throw new ForbiddenError(
      `${field}: fetching http(s) URLs is turned off for this provider (${url}); set allow_http_urls: true in the inline::lancedb config, or send the content inline.`,
      { field },
    );
  }
  const timeout = AbortSignal.timeout(options.fetchTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const failed = (error: unknown): never => {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new DependencyUnavailableError(
        providerType,
        url,
        new Error(`no complete answer within ${options.fetchTimeoutMs} ms (fetch_timeout_ms)`),
      );
    }
    throw new DependencyUnavailableError(providerType, url, error);
  };

  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (error) {
    return failed(error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new InvalidRequestError(
      field,
      `fetching ${url} answered HTTP ${response.status}; give a URL that serves the document`,
    );
  }
  const declaredLength = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declaredLength > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new PayloadTooLargeError(`${field} (${url}, ${declaredLength} bytes)`, options.maxBytes, sizeHint);
  }

  const parts: Uint8Array[] = [];
  let received = 0;
  try {
    if (response.body) {
      for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
        received += part.byteLength;
        if (received > options.maxBytes) {
          await response.body.cancel().catch(() => undefined);
          throw new PayloadTooLargeError(`${field} (${url})`, options.maxBytes, sizeHint);
        }
        parts.push(part);
      }
    }
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    return failed(error);
  }
  const contentType = response.headers.get('content-type');
  const fromPath = mimeTypesByExtension[extname(new URL(url).pathname).toLowerCase()];
  return {
    kind: 'bytes',
    bytes: Buffer.concat(parts),
    charset: charsetOf(contentType),
    mimeType: pick(contentType && !genericMimeTypes.has(baseMimeType(contentType)) ? contentType : fromPath),
  };
}

async function readFileUrl(
  url: string,
  field: string,
  options: ReadDocumentOptions,
  pick: (sourceType: string | undefined) => string,
): Promise<DocumentSource> {
  let path: string;
  try {
    path = resolve(fileURLToPath(url));
  } catch (error) {
    throw new InvalidRequestError(field, `is not a valid file:// URL (${(error as Error).message})`);
  }
  const forbidden = () =>
    new ForbiddenError(
      `${field}: ${url} is outside the directories this provider may read (${
        options.allowedFileRoots.length > 0 ? options.allowedFileRoots.join(', ') : 'none configured'
      }); add its directory to allowed_file_roots in the inline::lancedb config, or send the content inline.`,
      { field },
    );
  // Checked on the path as written first, so nothing outside the roots is even looked at...
  if (!options.allowedFileRoots.some((root) => isInside(resolve(root), path))) throw forbidden();
  // ...then on the real path, so a symbolic link cannot lead out of them.
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new InvalidRequestError(field, `names no readable file (${path})`);
  }
  const realRoots = await Promise.all(
    options.allowedFileRoots.map((root) => realpath(root).catch(() => undefined)),
  );
  if (!realRoots.some((root) => root !== undefined && isInside(root, real))) throw forbidden();

  const info = await stat(real);
  if (!info.isFile()) throw new InvalidRequestError(field, `names ${path}, which is not a regular file`);
  if (info.size > options.maxBytes) {
    throw new PayloadTooLargeError(`${field} (${path}, ${info.size} bytes)`, options.maxBytes, sizeHint);
  }
  const bytes = new Uint8Array(await readFile(real, { signal: options.signal }));
  return { kind: 'bytes', bytes, mimeType: pick(mimeTypesByExtension[extname(path).toLowerCase()]) };
}

function isInside(root: string, path: string): boolean {
  const between = relative(root, path);
  return between === '' || (between !== '..' && !between.startsWith(`..${sep}`) && !isAbsolute(between));
}
