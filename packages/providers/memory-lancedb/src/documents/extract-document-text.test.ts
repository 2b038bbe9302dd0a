import { InvalidRequestError } from '@llama-stack-ts/core';
import { stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { describe, expect, it } from 'vitest';
import { buildPdf } from '../../test/support/build-pdf.js';
import type { DocumentSource } from './document-source.js';
import { extractDocumentText } from './extract-document-text.js';

const bytes = (value: string, mimeType: string): DocumentSource => ({
  kind: 'bytes',
  bytes: new TextEncoder().encode(value),
  mimeType,
});

describe('extractDocumentText', () => {
  it('keeps Markdown and plain text as written', async () => {
    const markdown = '# Title\n\n- item *one*\n';
    expect(
      await extractDocumentText({ kind: 'text', text: markdown, mimeType: 'text/markdown' }, 'documents.0'),
    ).toBe(markdown);
    expect(await extractDocumentText(bytes('plain', 'text/plain'), 'documents.0')).toBe('plain');
  });

  it('turns HTML into readable text without scripts, styles or link targets', async () => {
    const html =
      '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>' +
      '<h1>Refunds</h1><p>Ask within <b>30 days</b> at <a href="https://x.test/r">our desk</a>.</p></body></html>';
    const text = await extractDocumentText(bytes(html, 'text/html'), 'documents.0');
    expect(text).toContain('Refunds');
    expect(text).toContain('Ask within 30 days at our desk.');
    expect(text).not.toMatch(/alert|color|x\.test/);
  });

  it('writes JSON as path: value lines', async () => {
    const text = await extractDocumentText(
      bytes('{"faq":{"q":"Hours?","a":"9 to 5"}}', 'application/json'),
      'd',
    );
    expect(text).toBe('faq.q: Hours?\nfaq.a: 9 to 5');
  });

  it('names the content of JSON that does not parse', async () => {
    const error = await stackErrorOf(extractDocumentText(bytes('{"a":', 'application/json'), 'documents.2'));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.field).toBe('documents.2.content');
  });

  it('reads the text layer of a PDF, from bytes or inline base64', async () => {
    const pdf = buildPdf(['Invoices are due in 45 days.', 'Late fees (2%) apply.']);
    const fromBytes = await extractDocumentText(
      { kind: 'bytes', bytes: pdf, mimeType: 'application/pdf' },
      'd',
    );
    expect(fromBytes).toContain('Invoices are due in 45 days.');
    expect(fromBytes).toContain('Late fees (2%) apply.');
    const inline = Buffer.from(pdf).toString('base64');
    expect(await extractDocumentText({ kind: 'text', text: inline, mimeType: 'application/pdf' }, 'd')).toBe(
      fromBytes,
    );
  });

  it('names the content of a PDF that is not one', async () => {
    const error = await stackErrorOf(
      extractDocumentText(bytes('not a pdf at all', 'application/pdf'), 'documents.1'),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.field).toBe('documents.1.content');
    const inline = await stackErrorOf(
      extractDocumentText({ kind: 'text', text: 'plain words', mimeType: 'application/pdf' }, 'documents.1'),
    );
    expect(inline.message).toContain('base64');
  });

  it('names the mime_type of a type it cannot read', async () => {
    const error = await stackErrorOf(extractDocumentText(bytes('x', 'image/png'), 'documents.4'));
    expect(error.field).toBe('documents.4.mime_type');
    expect(error.message).toContain('application/pdf');
  });
});
