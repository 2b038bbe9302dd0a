import { type Content, InvalidRequestError } from '@llama-stack-ts/core';
import { attachmentText, contentToText } from '../content/content-to-text.js';

/**
 * The text a text-embedding model embeds for one `contents` item: `contentToText`, once every
 * attachment is known to be text (a `data:` URL of a text type). Other attachments (images, remote
 * URLs) cannot be embedded by a text model and are rejected naming the item.
 */
export function embeddingContentToText(content: Content, field: string): string {
  const parts = Array.isArray(content) ? content : [content];
  for (const [index, part] of parts.entries()) {
    if (typeof part === 'string' || attachmentText(part) !== undefined) continue;
    const url = part.url.length > 40 ? `${part.url.slice(0, 40)}…` : part.url;
    throw new InvalidRequestError(
      Array.isArray(content) ? `${field}[${index}]` : field,
      `an attachment (${part.mime_type}, ${url}) cannot be embedded by a text embedding model; ` +
        'send its text as a string, or a data: URL of a text/* type.',
    );
  }
  return contentToText(content);
}
