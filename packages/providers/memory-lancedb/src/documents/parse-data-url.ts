import { InvalidRequestError, PayloadTooLargeError } from '@llama-stack-ts/core';

export interface DataUrlContent {
  /** The media type the URL declares (parameters dropped, lower-cased); `text/plain` when empty. */
  mimeType: string;
  /** The `charset` parameter, if any. */
  charset: string | undefined;
  bytes: Uint8Array;
}

const base64Alphabet = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * Decodes a `data:[<media type>][;base64],<data>` URL (RFC 2397). A malformed URL is an
 * `InvalidRequestError` on `field`; one that decodes to more than `maxBytes` is a
 * `PayloadTooLargeError`, checked before decoding.
 */
export function parseDataUrl(url: string, field: string, maxBytes: number): DataUrlContent {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) {
    throw new InvalidRequestError(
      field,
      'is a malformed data: URL: it needs a comma, as in data:text/plain;base64,SGk=',
    );
  }
  const header = url.slice('data:'.length, comma);
  const payload = url.slice(comma + 1);
  const parameters = header.split(';').map((part) => part.trim());
  const mediaType = parameters.shift()?.toLowerCase() ?? '';
  const isBase64 = parameters.at(-1)?.toLowerCase() === 'base64';
  if (isBase64) parameters.pop();
  if (mediaType !== '' && !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mediaType)) {
    throw new InvalidRequestError(
      field,
      `is a malformed data: URL: '${mediaType}' is not a media type such as text/plain`,
    );
  }
  const charset = parameters
    .map((parameter) => /^charset=(.+)$/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);

  let bytes: Uint8Array;
  if (isBase64) {
    const compact = decodeURIComponentOrFail(payload, field).replace(/\s+/g, '');
    if (!base64Alphabet.test(compact) || compact.length % 4 === 1) {
      throw new InvalidRequestError(
        field,
        'is a malformed data: URL: its ;base64 payload is not valid base64',
      );
    }
    if (Math.floor((compact.length * 3) / 4) > maxBytes + 2) {
      throw new PayloadTooLargeError(
        `${field} (data: URL)`,
        maxBytes,
        'raise max_document_bytes in the inline::lancedb config',
      );
    }
    bytes = new Uint8Array(
      Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64'),
    );
  } else {
    bytes = new TextEncoder().encode(decodeURIComponentOrFail(payload, field));
  }
  if (bytes.byteLength > maxBytes) {
    throw new PayloadTooLargeError(
      `${field} (data: URL)`,
      maxBytes,
      'raise max_document_bytes in the inline::lancedb config',
    );
  }
  return { mimeType: mediaType || 'text/plain', charset, bytes };
}

function decodeURIComponentOrFail(payload: string, field: string): string {
  try {
    return decodeURIComponent(payload);
  } catch {
    throw new InvalidRequestError(field, 'is a malformed data: URL: its payload has an invalid %-escape');
  }
}
