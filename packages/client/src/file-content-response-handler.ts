import type { FileContent } from '@llama-stack-ts/core';
import {
  extractResponseHeaders,
  InvalidResponseError,
  type ResponseHandler,
} from '@llama-stack-ts/provider-utils';

/**
 * The answer of a binary route as the `FileContent` the provider returned on the server: the body
 * as a stream (read it to the end or cancel it), the media type, the size when the server sent
 * `Content-Length`, and the name from `Content-Disposition` (`filename*` first, it carries UTF-8).
 */
export const fileContentResponseHandler: ResponseHandler<FileContent> = async ({ response, url }) => {
  if (response.body === null) throw new InvalidResponseError({ url, reason: 'the file content has no body' });
  const length = response.headers.get('content-length');
  const content: FileContent = {
    filename: filenameOf(response.headers.get('content-disposition')) ?? 'file',
    content_type: response.headers.get('content-type') ?? 'application/octet-stream',
    stream: response.body,
  };
  if (length !== null && /^\d+$/.test(length)) content.bytes = Number(length);
  return { value: content, responseHeaders: extractResponseHeaders(response) };
};

/** The file name of a `Content-Disposition` header: `filename*=UTF-8''…` (RFC 6266), else `filename`. */
function filenameOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed encoding: fall back on the plain filename.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  if (plain?.[1] !== undefined) return plain[1].replace(/\\(.)/g, '$1');
  return plain?.[2];
}
