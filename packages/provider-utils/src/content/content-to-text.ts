import type { Attachment, Content } from '@llama-stack-ts/core';
import { decodeDataUrl } from './decode-data-url.js';

/** How much of a `data:` URL an attachment reference shows: the header and a little payload. */
const dataUrlPreviewLength = 32;

export interface ContentToTextOptions {
  /**
   * What an attachment that is not text becomes: `reference` (default), a one-line
   * `[attachment image/png: https://…]` so a reader knows it is there; `omit`, nothing, for a
   * reader that only wants the words (a search query); or what a function returns (or throws) for
   * it, given its index when the content is a list.
   */
  otherAttachments?: 'reference' | 'omit' | ((attachment: Attachment, index: number | undefined) => string);
}

/**
 * The text of a `Content`, for whatever reads text (a model's prompt, a shield, an embedding model).
 * Interleaved parts are separate pieces: a space goes between two that would otherwise run
 * together (`['cat', 'mat']` reads `cat mat`), and parts that carry their own spacing keep it
 * (`['a ', 'b']` reads `a b`). An attachment that is text (`attachmentText`) is inlined; any other
 * becomes a one-line reference, `[attachment image/png: https://…]`, so a reader knows it is there;
 * a `data:` URL is cut short there, since its payload means nothing as text.
 */
export function contentToText(content: Content, options: ContentToTextOptions = {}): string {
  const { otherAttachments = 'reference' } = options;
  const other =
    otherAttachments === 'reference'
      ? attachmentReference
      : otherAttachments === 'omit'
        ? () => ''
        : otherAttachments;
  const toText = (attachment: Attachment, index?: number) =>
    attachmentText(attachment) ?? other(attachment, index);
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return toText(content);
  return content
    .map((part, index) => (typeof part === 'string' ? part : toText(part, index)))
    .reduce((text, part) => (needsSpace(text, part) ? `${text} ${part}` : text + part), '');
}

function needsSpace(before: string, after: string): boolean {
  return before !== '' && after !== '' && !/\s$/.test(before) && !/^\s/.test(after);
}

/**
 * The text an attachment holds: a `data:` URL of a text media type (`text/*`, JSON, XML), decoded
 * with its charset. `undefined` for anything else (an image, a remote URL, a malformed data: URL).
 */
export function attachmentText(attachment: Attachment): string | undefined {
  if (!/^data:/i.test(attachment.url) || !isTextMediaType(attachment.mime_type)) return undefined;
  try {
    const { bytes, charset } = decodeDataUrl(attachment.url);
    return new TextDecoder(textDecoderLabel(charset)).decode(bytes);
  } catch {
    return undefined;
  }
}

function attachmentReference(attachment: Attachment): string {
  const { url, mime_type } = attachment;
  const shown =
    /^data:/i.test(url) && url.length > dataUrlPreviewLength ? `${url.slice(0, dataUrlPreviewLength)}…` : url;
  return `[attachment ${mime_type}: ${shown}]`;
}

function isTextMediaType(mediaType: string): boolean {
  const type = mediaType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type.startsWith('text/') || type === 'application/json' || /\+(json|xml)$/.test(type);
}

/** A charset TextDecoder knows, else UTF-8 (a label it does not know would throw). */
function textDecoderLabel(charset: string | undefined): string {
  if (!charset) return 'utf-8';
  try {
    return new TextDecoder(charset).encoding;
  } catch {
    return 'utf-8';
  }
}
