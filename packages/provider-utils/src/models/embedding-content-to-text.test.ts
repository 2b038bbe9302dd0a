import { InvalidRequestError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { embeddingContentToText } from './embedding-content-to-text.js';

describe('embeddingContentToText', () => {
  it('keeps a string and joins interleaved pieces with a space', () => {
    expect(embeddingContentToText('hello', 'contents[0]')).toBe('hello');
    expect(embeddingContentToText(['hello', 'world'], 'contents[0]')).toBe('hello world');
  });

  it('decodes text data: URLs, base64 or percent-encoded', () => {
    const base64 = `data:text/plain;base64,${Buffer.from('héllo').toString('base64')}`;
    expect(embeddingContentToText({ url: base64, mime_type: 'text/plain' }, 'contents[0]')).toBe('héllo');
    expect(
      embeddingContentToText({ url: 'data:text/plain,a%20b', mime_type: 'text/plain' }, 'contents[0]'),
    ).toBe('a b');
  });

  it('rejects an image naming the item and the fix', () => {
    const call = () =>
      embeddingContentToText(
        ['caption', { url: 'https://example.com/cat.png', mime_type: 'image/png' }],
        'contents[2]',
      );
    expect(call).toThrow(InvalidRequestError);
    expect(call).toThrow(
      /^contents\[2\]\[1\]: an attachment \(image\/png, https:\/\/example.com\/cat.png\) cannot be embedded/,
    );
  });
});
