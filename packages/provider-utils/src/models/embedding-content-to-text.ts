import { type Content, InvalidRequestError } from '@llama-stack-ts/core';
import { contentToText } from '../content/content-to-text.js';

/**
 * The text a text-embedding model embeds for one `contents` item: `contentToText`, once every
 * attachment is known to be text (a `data:` URL of a text type). Other attachments (images, remote
 * URLs) cannot be embedded by a text model and are rejected naming the item.
 */
export function embeddingContentToText(content: Content, field: string): string {
  return contentToText(content, {
    otherAttachments: (attachment, index) => {
      const url = attachment.url.length > 40 ? `${attachment.url.slice(0, 40)}…` : attachment.url;
      throw new InvalidRequestError(
        index === undefined ? field : `${field}[${index}]`,
        `an attachment (${attachment.mime_type}, ${url}) cannot be embedded by a text embedding model; ` +
          'send its text as a string, or a data: URL of a text/* type.',
      );
    },
  });
}
