import type { Attachment, Content } from '@llama-stack-ts/core';

/**
 * The text a GGUF text model reads for a `Content`: strings as they are, joined without separator
 * (interleaved parts are one message). A `data:` attachment with a text MIME type is inlined; any
 * other attachment becomes a one-line reference (`[attachment image/png: https://…]`), because a
 * text model cannot open it.
 */
export function contentToText(content: Content): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((part) => (typeof part === 'string' ? part : attachmentToText(part))).join('');
  return attachmentToText(content);
}

function attachmentToText(attachment: Attachment): string {
  const inline = decodeTextDataUrl(attachment);
  if (inline !== undefined) return inline;
  const url = attachment.url.startsWith('data:') ? `${attachment.url.slice(0, 32)}…` : attachment.url;
  return `[attachment ${attachment.mime_type}: ${url}]`;
}

function decodeTextDataUrl({ url, mime_type }: Attachment): string | undefined {
  if (!url.startsWith('data:') || !isTextMime(mime_type)) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  try {
    return header.endsWith(';base64')
      ? Buffer.from(payload, 'base64').toString('utf8')
      : decodeURIComponent(payload);
  } catch {
    return undefined;
  }
}

function isTextMime(mime: string): boolean {
  return (
    mime.startsWith('text/') || mime === 'application/json' || mime.endsWith('+json') || mime.endsWith('+xml')
  );
}
