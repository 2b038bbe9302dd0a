import type { FileContent } from '@llama-stack-ts/core';
import contentDisposition from 'content-disposition';

/**
 * The response of a binary route: the content's stream as the body, its media type, its size where
 * known and its name as an attachment (`filename*` carries a name beyond ASCII). A browser never
 * renders it in the server's origin (`attachment`, `nosniff`), whatever type the uploader named. The
 * stream is read as the client takes it; a client that goes away cancels it, closing the file.
 */
export function fileContentResponse(content: FileContent): Response {
  const headers = new Headers({
    'content-type': content.content_type,
    // An ASCII `filename` for every client, and `filename*` (UTF-8) with the real name beside it:
    // header values beyond ASCII are read differently by different clients.
    'content-disposition': contentDisposition(content.filename, {
      fallback: content.filename.replace(/[^\x20-\x7e]/g, '?'),
    }),
    'x-content-type-options': 'nosniff',
  });
  if (content.bytes !== undefined) headers.set('content-length', String(content.bytes));
  return new Response(content.stream, { status: 200, headers });
}
