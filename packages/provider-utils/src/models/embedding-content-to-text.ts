import { type Content, InvalidRequestError } from '@llama-stack-ts/core';

/**
 * The text a text-embedding model embeds for one `contents` item. Interleaved pieces are joined with
 * a space (as Llama Stack does); a `data:` attachment of a text/* type is decoded. Other attachments
 * (images, remote URLs) cannot be embedded by a text model and are rejected naming the item.
 */
export function embeddingContentToText(content: Content, field: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((piece, index) => embeddingContentToText(piece, `${field}[${index}]`)).join(' ');
  }
  const decoded = decodeTextDataUrl(content.url, content.mime_type);
  if (decoded !== undefined) return decoded;
  throw new InvalidRequestError(
    field,
    `an attachment (${content.mime_type}, ${content.url.slice(0, 40)}${content.url.length > 40 ? '…' : ''}) ` +
      'cannot be embedded by a text embedding model; send its text as a string, or a data: URL of a text/* type.',
  );
}

function decodeTextDataUrl(url: string, mimeType: string): string | undefined {
  if (!url.startsWith('data:') || !mimeType.startsWith('text/')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const header = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  if (header.split(';').includes('base64')) return Buffer.from(payload, 'base64').toString('utf8');
  return decodeURIComponent(payload);
}
