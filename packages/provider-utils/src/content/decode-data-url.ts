import { InvalidRequestError, PayloadTooLargeError } from '@llama-stack-ts/core';

export interface DecodeDataUrlOptions {
  /** The request field holding the URL, named by every error. Default `url`. */
  field?: string;
  /**
   * Most bytes the payload may decode to; a larger one is a `PayloadTooLargeError`, checked on the
   * encoded length before anything is decoded. Default: no limit.
   */
  maxBytes?: number;
  /** How to raise `maxBytes`, for the `PayloadTooLargeError` message. */
  maxBytesHint?: string;
}

export interface DataUrlContent {
  /** The media type the URL declares, lower-cased and without parameters; `text/plain` when empty. */
  mediaType: string;
  /** The `charset` parameter, if any. */
  charset: string | undefined;
  bytes: Uint8Array;
}

const mediaTypePattern = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;
const base64Pattern = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * Decodes a `data:[<media type>][;base64],<data>` URL (RFC 2397): base64 (standard or URL-safe) or
 * percent-encoded bytes. Pure: it runs in a browser as well as in Node. A malformed URL is an
 * `InvalidRequestError` on `field` saying what is wrong.
 */
export function decodeDataUrl(url: string, options: DecodeDataUrlOptions = {}): DataUrlContent {
  const { field = 'url', maxBytes = Number.POSITIVE_INFINITY, maxBytesHint } = options;
  const comma = url.indexOf(',');
  if (!/^data:/i.test(url) || comma < 0) {
    throw malformed(field, 'it needs a comma, as in data:text/plain;base64,SGk=');
  }
  const parameters = url
    .slice('data:'.length, comma)
    .split(';')
    .map((part) => part.trim());
  const mediaType = parameters.shift()?.toLowerCase() ?? '';
  const isBase64 = parameters.at(-1)?.toLowerCase() === 'base64';
  if (isBase64) parameters.pop();
  if (mediaType !== '' && !mediaTypePattern.test(mediaType)) {
    throw malformed(field, `'${mediaType}' is not a media type such as text/plain`);
  }
  const charset = parameters
    .map((parameter) => /^charset=(.+)$/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);

  const tooLarge = () => new PayloadTooLargeError(`${field} (data: URL)`, maxBytes, maxBytesHint);
  const payload = url.slice(comma + 1);
  let bytes: Uint8Array;
  if (isBase64) {
    const compact = new TextDecoder().decode(percentDecode(payload, field)).replace(/\s+/g, '');
    if (!base64Pattern.test(compact) || compact.length % 4 === 1) {
      throw malformed(field, 'its ;base64 payload is not valid base64');
    }
    if (Math.floor((compact.length * 3) / 4) > maxBytes + 2) throw tooLarge();
    bytes = decodeBase64(compact);
  } else {
    if (payload.length > maxBytes * 3) throw tooLarge();
    bytes = percentDecode(payload, field);
  }
  if (bytes.byteLength > maxBytes) throw tooLarge();
  return { mediaType: mediaType || 'text/plain', charset, bytes };
}

/** The media type a `data:` URL declares (`image/png`), read from its header alone; else `undefined`. */
export function dataUrlMediaType(url: string): string | undefined {
  return /^data:([^;,]+)/i.exec(url)?.[1]?.trim().toLowerCase() || undefined;
}

function malformed(field: string, reason: string): InvalidRequestError {
  return new InvalidRequestError(field, `is a malformed data: URL: ${reason}`);
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/**
 * The bytes of a percent-encoded payload: `%XX` is one byte, anything else its UTF-8. Unlike
 * `decodeURIComponent`, escapes that are not UTF-8 (`%FF`) are kept as the bytes they name.
 */
function percentDecode(payload: string, field: string): Uint8Array {
  const encoder = new TextEncoder();
  if (!payload.includes('%')) return encoder.encode(payload);
  const pieces: Uint8Array[] = [];
  let length = 0;
  let index = 0;
  while (index < payload.length) {
    const percent = payload.indexOf('%', index);
    const end = percent < 0 ? payload.length : percent;
    if (end > index) {
      const piece = encoder.encode(payload.slice(index, end));
      pieces.push(piece);
      length += piece.byteLength;
    }
    if (percent < 0) break;
    const hex = payload.slice(percent + 1, percent + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw malformed(field, 'its payload has an invalid %-escape');
    pieces.push(Uint8Array.of(Number.parseInt(hex, 16)));
    length += 1;
    index = percent + 3;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return bytes;
}
