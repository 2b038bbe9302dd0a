import { describe, expect, it } from 'vitest';
import { attachmentText, contentToText } from './content-to-text.js';

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

describe('contentToText', () => {
  it('keeps a string', () => {
    expect(contentToText('hello')).toBe('hello');
  });

  it('keeps interleaved parts apart: a space where they would run together, none where they are spaced', () => {
    expect(contentToText(['hello', 'world'])).toBe('hello world');
    expect(contentToText(['a ', 'b'])).toBe('a b');
    expect(contentToText(['line\n', 'next', '', 'end'])).toBe('line\nnext end');
  });

  it('inlines a text data: attachment, base64 or percent-encoded', () => {
    const url = `data:text/plain;base64,${base64('from a file')}`;
    expect(contentToText({ url, mime_type: 'text/plain' })).toBe('from a file');
    expect(contentToText(['see: ', { url: 'data:text/plain,hi%20there', mime_type: 'text/plain' }])).toBe(
      'see: hi there',
    );
    expect(contentToText({ url: `data:;base64,${base64('{"a":1}')}`, mime_type: 'application/json' })).toBe(
      '{"a":1}',
    );
  });

  it('references any other attachment by media type and URL, a data: URL cut short', () => {
    expect(contentToText({ url: 'https://example.com/cat.png', mime_type: 'image/png' })).toBe(
      '[attachment image/png: https://example.com/cat.png]',
    );
    const png = `data:image/png;base64,${'iVBORw0KGgo'.repeat(20)}`;
    expect(contentToText(['look:', { url: png, mime_type: 'image/png' }])).toBe(
      `look: [attachment image/png: ${png.slice(0, 32)}…]`,
    );
  });

  it('leaves out attachments that are not text when asked, keeping text ones', () => {
    const content = [
      'Rotterdam',
      { url: 'https://x.test/port.png', mime_type: 'image/png' },
      { url: 'data:text/plain,harbour', mime_type: 'text/plain' },
    ];
    expect(contentToText(content, { otherAttachments: 'omit' })).toBe('Rotterdam harbour');
    expect(
      contentToText({ url: 'https://x.test/a.png', mime_type: 'image/png' }, { otherAttachments: 'omit' }),
    ).toBe('');
  });

  it('references a text attachment it cannot decode instead of failing', () => {
    expect(contentToText({ url: 'data:text/plain;base64,@@@', mime_type: 'text/plain' })).toBe(
      '[attachment text/plain: data:text/plain;base64,@@@]',
    );
  });
});

describe('attachmentText', () => {
  it('decodes with the charset the URL declares', () => {
    expect(
      attachmentText({ url: 'data:text/plain;charset=iso-8859-1,caf%E9', mime_type: 'text/plain' }),
    ).toBe('café');
  });

  it('is undefined for an image, a remote URL or a non-text type', () => {
    expect(attachmentText({ url: 'https://example.com/a.txt', mime_type: 'text/plain' })).toBeUndefined();
    expect(attachmentText({ url: 'data:image/png;base64,AAAA', mime_type: 'image/png' })).toBeUndefined();
  });
});
