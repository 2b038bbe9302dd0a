import type { Attachment, Content } from '@llama-stack-ts/core';
import { dataUrlMediaType } from '@llama-stack-ts/provider-utils';
import { invalidParam } from './invalid-param.js';
import type { ChatContentPart } from './openai-chat-schemas.js';

const imageTypes: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

/** The MIME type of an image URL: from a `data:` URL's header, else the file extension. */
function imageMimeType(url: string): string {
  const dataType = dataUrlMediaType(url);
  if (dataType) return dataType;
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
  return (extension && imageTypes[extension]) || 'image/*';
}

/**
 * OpenAI message content as the stack's `Content`: a string stays a string; parts become a list of
 * texts and image attachments (a single text part becomes a plain string). Only http(s) and `data:`
 * image URLs are accepted: a client must not make the server read its own files (`file://`).
 */
export function toStackContent(
  content: string | readonly ChatContentPart[] | null | undefined,
  param: string,
): Content {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  const items: (string | Attachment)[] = content.map((part, index) => {
    if (part.type === 'text') return part.text;
    if (part.type === 'refusal') return part.refusal;
    const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
    if (!/^(https?:\/\/|data:)/.test(url)) {
      throw invalidParam(`${param}[${index}].image_url.url`, 'must be an http(s):// or data: URL');
    }
    return { url, mime_type: imageMimeType(url) };
  });
  if (items.every((item) => typeof item === 'string')) return items.join('');
  return items;
}
