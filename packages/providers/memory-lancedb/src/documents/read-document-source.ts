import { DependencyUnavailableError, ForbiddenError, PayloadTooLargeError } from '@llama-stack-ts/core';
import { baseMediaType, mediaTypeFromFileName, openUserUrl } from '@llama-stack-ts/provider-utils/url-fetch';
import type { DocumentSource, ReadDocumentOptions } from './document-source.js';

const providerType = 'inline::lancedb';
const sizeHint = 'raise max_document_bytes in the inline::lancedb config';

/** Declared MIME types that say nothing about the content; the source's own type replaces them. */
const genericMimeTypes = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/**
 * Reads a document's `content`: inline text, or a `data:`, `http(s)://` or `file://` URL opened
 * through provider-utils' `openUserUrl` (the distribution's `url_fetch:` policy, the size limit,
 * and for http(s) the fetch timeout). `field` is the request path of the content
 * (`documents.0.content`), named by every error.
 *
 * A content counts as a URL only when it is one token with a known scheme; anything else is text.
 */
export async function readDocumentSource(
  content: string,
  declaredMimeType: string,
  field: string,
  options: ReadDocumentOptions,
): Promise<DocumentSource> {
  const declared = baseMediaType(declaredMimeType);
  const pick = (sourceType: string | undefined) =>
    genericMimeTypes.has(declared) && sourceType ? baseMediaType(sourceType) : declared;

  const trimmed = content.trim();
  if (/^data:\S/i.test(content) || /^(https?|file):\/\/\S+$/i.test(trimmed)) {
    return readUrl(trimmed, field, options, pick);
  }
  const size = Buffer.byteLength(content, 'utf8');
  if (size > options.maxBytes)
    throw new PayloadTooLargeError(`${field} (${size} bytes of text)`, options.maxBytes, sizeHint);
  return { kind: 'text', text: content, mimeType: pick('text/plain') };
}

async function readUrl(
  url: string,
  field: string,
  options: ReadDocumentOptions,
  pick: (sourceType: string | undefined) => string,
): Promise<DocumentSource> {
  if (/^https?:/i.test(url) && !options.allowHttp) {
    throw new ForbiddenError(
      `${field}: fetching http(s) URLs is turned off for this provider (${url}); set allow_http_urls: true in the inline::lancedb config, or send the content inline.`,
      { field },
    );
  }
  const timeout = AbortSignal.timeout(options.fetchTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const opened = await openUserUrl(url, {
      policy: options.urlPolicy,
      field,
      signal,
      maxBytes: options.maxBytes,
      maxBytesHint: sizeHint,
      provider: providerType,
    });
    const bytes = Buffer.concat(await opened.body.toArray());
    const servedType =
      opened.mediaType && !genericMimeTypes.has(opened.mediaType)
        ? opened.mediaType
        : mediaTypeFromFileName(opened.fileName);
    return { kind: 'bytes', bytes, charset: opened.charset, mimeType: pick(servedType) };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new DependencyUnavailableError(
        providerType,
        url,
        new Error(`no complete answer within ${options.fetchTimeoutMs} ms (fetch_timeout_ms)`),
      );
    }
    throw error;
  }
}
