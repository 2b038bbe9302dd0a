import type { Content } from '@llama-stack-ts/core';

/** Text of a content value; attachments become `[attachment <mime> <url>]` so the model knows they exist. */
export function contentToText(content: Content): string {
  const parts = Array.isArray(content) ? content : [content];
  return parts
    .map((part) =>
      typeof part === 'string' ? part : `[attachment ${part.mime_type} ${part.url.slice(0, 80)}]`,
    )
    .join('');
}
