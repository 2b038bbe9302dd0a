import { InvalidRequestError, PayloadTooLargeError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { parseDataUrl } from './parse-data-url.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('parseDataUrl', () => {
  it('decodes base64 with its media type and charset', () => {
    const parsed = parseDataUrl(
      'data:text/markdown;charset=utf-8;base64,IyBIaQ==',
      'documents.0.content',
      100,
    );
    expect(parsed.mimeType).toBe('text/markdown');
    expect(parsed.charset).toBe('utf-8');
    expect(text(parsed.bytes)).toBe('# Hi');
  });

  it('decodes a percent-encoded payload and defaults the type to text/plain', () => {
    const parsed = parseDataUrl('data:,Hello%2C%20world', 'f', 100);
    expect(parsed.mimeType).toBe('text/plain');
    expect(text(parsed.bytes)).toBe('Hello, world');
  });

  it('accepts base64url and line-wrapped base64', () => {
    expect(text(parseDataUrl('data:text/plain;base64,Pz8_', 'f', 100).bytes)).toBe('???');
    expect(text(parseDataUrl('data:text/plain;base64,SGVs\nbG8=', 'f', 100).bytes)).toBe('Hello');
  });

  it.each([
    ['no comma', 'data:text/plain;base64'],
    ['bad base64', 'data:text/plain;base64,@@@@'],
    ['impossible base64 length', 'data:text/plain;base64,QUJDR'],
    ['bad media type', 'data:text plain,x'],
    ['bad percent escape', 'data:text/plain,%E0%A4%A'],
  ])('names the field of a malformed URL (%s)', (_, url) => {
    let error: unknown;
    try {
      parseDataUrl(url, 'documents.3.content', 100);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('documents.3.content');
    expect((error as InvalidRequestError).message).toMatch(
      /^documents\.3\.content: is a malformed data: URL/,
    );
  });

  it('refuses a payload over the limit before decoding it', () => {
    const url = `data:text/plain;base64,${Buffer.alloc(300).toString('base64')}`;
    expect(() => parseDataUrl(url, 'f', 200)).toThrow(PayloadTooLargeError);
    expect(() => parseDataUrl(`data:,${'x'.repeat(201)}`, 'f', 200)).toThrow(PayloadTooLargeError);
    expect(parseDataUrl(`data:,${'x'.repeat(200)}`, 'f', 200).bytes.byteLength).toBe(200);
  });
});
