import { InvalidRequestError, PayloadTooLargeError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { dataUrlMediaType, decodeDataUrl } from './decode-data-url.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('decodeDataUrl', () => {
  it('decodes base64, URL-safe base64 and percent-encoded payloads', () => {
    expect(text(decodeDataUrl('data:text/plain;base64,aMOpbGxv').bytes)).toBe('héllo');
    expect(Array.from(decodeDataUrl('data:application/octet-stream;base64,-_8=').bytes)).toEqual([251, 255]);
    expect(text(decodeDataUrl('data:,a%20b').bytes)).toBe('a b');
    expect(Array.from(decodeDataUrl('data:application/octet-stream,%FF%00').bytes)).toEqual([255, 0]);
  });

  it('reads the media type and charset, defaulting to text/plain', () => {
    expect(decodeDataUrl('data:Text/HTML;charset=utf-8,<p>')).toMatchObject({
      mediaType: 'text/html',
      charset: 'utf-8',
    });
    expect(decodeDataUrl('data:,x').mediaType).toBe('text/plain');
  });

  it('names the field and the fault of a malformed URL', () => {
    expect(() => decodeDataUrl('data:text/plain;base64', { field: 'documents.0.content' })).toThrow(
      'documents.0.content: is a malformed data: URL: it needs a comma',
    );
    expect(() => decodeDataUrl('data:text/plain;base64,@@')).toThrow(InvalidRequestError);
    expect(() => decodeDataUrl('data:not a type,x')).toThrow(/is not a media type/);
    expect(() => decodeDataUrl('data:,100%')).toThrow(/invalid %-escape/);
  });

  it('refuses a payload over maxBytes before decoding it', () => {
    const url = `data:;base64,${'A'.repeat(4000)}`;
    const call = () =>
      decodeDataUrl(url, { field: 'content', maxBytes: 100, maxBytesHint: 'raise max_bytes' });
    expect(call).toThrow(PayloadTooLargeError);
    expect(call).toThrow('content (data: URL) exceeds the limit of 100 bytes; raise max_bytes.');
    expect(() => decodeDataUrl(`data:,${'x'.repeat(101)}`, { maxBytes: 100 })).toThrow(PayloadTooLargeError);
  });
});

describe('dataUrlMediaType', () => {
  it('reads the header alone', () => {
    expect(dataUrlMediaType('data:image/PNG;base64,AAAA')).toBe('image/png');
    expect(dataUrlMediaType('data:,x')).toBeUndefined();
    expect(dataUrlMediaType('https://example.com/a.png')).toBeUndefined();
  });
});
