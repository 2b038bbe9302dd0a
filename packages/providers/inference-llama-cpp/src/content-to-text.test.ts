import { describe, expect, it } from 'vitest';
import { contentToText } from './content-to-text.js';

describe('contentToText', () => {
  it('keeps a string', () => {
    expect(contentToText('hello')).toBe('hello');
  });

  it('joins interleaved parts', () => {
    expect(contentToText(['a ', 'b'])).toBe('a b');
  });

  it('inlines a text data: attachment, base64 or not', () => {
    const base64 = `data:text/plain;base64,${Buffer.from('from a file').toString('base64')}`;
    expect(contentToText({ url: base64, mime_type: 'text/plain' })).toBe('from a file');
    expect(contentToText(['see: ', { url: 'data:text/plain,hi%20there', mime_type: 'text/plain' }])).toBe(
      'see: hi there',
    );
  });

  it('references any other attachment by MIME type and URL', () => {
    expect(contentToText({ url: 'https://example.com/cat.png', mime_type: 'image/png' })).toBe(
      '[attachment image/png: https://example.com/cat.png]',
    );
  });
});
