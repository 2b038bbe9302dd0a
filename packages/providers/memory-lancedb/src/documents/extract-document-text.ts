import { TextDecoder } from 'node:util';
import { InvalidRequestError } from '@llama-stack-ts/core';
import { convert as convertHtml } from 'html-to-text';
import type { DocumentSource } from './document-source.js';
import { flattenJson } from './flatten-json.js';

/** MIME types read as plain text beside every `text/*`. */
const textualApplicationTypes = new Set([
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/javascript',
  'application/typescript',
  'application/sql',
  'application/x-sh',
]);

export const supportedMimeTypesHint =
  'text/* (text/plain, text/markdown, text/csv, ...), text/html, application/json, application/pdf';

/**
 * The text of a document, ready to chunk: plain text and Markdown as written, HTML as readable
 * text (scripts, styles and images dropped), JSON as one `path: value` line per leaf, PDF through
 * its text layer. `documentField` is the request path of the document (`documents.0`): a content
 * that cannot be read names `<documentField>.content`, an unsupported type `<documentField>.mime_type`.
 */
export async function extractDocumentText(source: DocumentSource, documentField: string): Promise<string> {
  const contentField = `${documentField}.content`;
  const { mimeType } = source;
  if (mimeType === 'application/pdf') return extractPdfText(pdfBytes(source, contentField), contentField);
  if (mimeType === 'text/html' || mimeType === 'application/xhtml+xml') return htmlToText(decode(source));
  if (mimeType === 'application/json' || mimeType.endsWith('+json')) {
    const text = decode(source);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InvalidRequestError(contentField, `is not valid JSON (${(error as Error).message})`);
    }
    return flattenJson(value);
  }
  if (mimeType.startsWith('text/') || textualApplicationTypes.has(mimeType)) return decode(source);
  throw new InvalidRequestError(
    `${documentField}.mime_type`,
    `'${mimeType}' is not a type this provider can read; use one of ${supportedMimeTypesHint}`,
  );
}

function decode(source: DocumentSource): string {
  if (source.kind === 'text') return source.text;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(source.charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(source.bytes);
}

/** Inline PDF content is taken as base64 (the draft's bytes); a URL source already has bytes. */
function pdfBytes(source: DocumentSource, contentField: string): Uint8Array {
  if (source.kind === 'bytes') return source.bytes;
  const compact = source.text.replace(/\s+/g, '');
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(compact) ? Buffer.from(compact, 'base64') : undefined;
  // Every PDF starts with `%PDF-`: text that happens to use only base64 letters is still text.
  if (decoded?.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new InvalidRequestError(
      contentField,
      'holds inline text, but a PDF must be sent as base64, a data:application/pdf;base64,... URL, or an http(s)/file URL',
    );
  }
  return new Uint8Array(decoded!);
}

async function extractPdfText(bytes: Uint8Array, contentField: string): Promise<string> {
  // pdf.js is large: loaded on the first PDF only.
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    // pdf.js may take over the buffer it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    try {
      const { text } = await extractText(pdf, { mergePages: false });
      return text.map((page) => page.trim()).join('\n\n');
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    throw new InvalidRequestError(contentField, `is not a readable PDF (${(error as Error).message})`);
  }
}

function htmlToText(html: string): string {
  return convertHtml(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'noscript', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
        selector,
        options: { uppercase: false },
      })),
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  }).trim();
}
