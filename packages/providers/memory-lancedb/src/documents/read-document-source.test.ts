import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DependencyUnavailableError,
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
} from '@llama-stack-ts/core';
import { stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DocumentServer } from '../../test/support/document-server.js';
import type { ReadDocumentOptions } from './document-source.js';
import { readDocumentSource } from './read-document-source.js';

const field = 'documents.0.content';
let root: string;
let allowed: string;
let server: DocumentServer;
/** On 127.0.0.2: a host the tests allow by address, which redirects to the refused 127.0.0.1. */
let relay: DocumentServer;

/** The policy of these tests: files under `allowed`, and the loopback fixture server explicitly allowed. */
const options = (overrides: Partial<ReadDocumentOptions> = {}): ReadDocumentOptions => ({
  maxBytes: 1000,
  fetchTimeoutMs: 30_000,
  allowHttp: true,
  urlPolicy: { allowedFileRoots: [allowed], allowedPrivateHosts: ['127.0.0.1'] },
  ...overrides,
});

const text = (source: Awaited<ReturnType<typeof readDocumentSource>>) =>
  source.kind === 'text' ? source.text : new TextDecoder().decode(source.bytes);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lancedb-source-'));
  allowed = join(root, 'allowed');
  await mkdir(allowed);
  await writeFile(join(allowed, 'notes.md'), '# Notes\nbody');
  await writeFile(join(allowed, 'big.txt'), 'x'.repeat(1001));
  await writeFile(join(root, 'secret.txt'), 'secret');
  await symlink(join(root, 'secret.txt'), join(allowed, 'link-out.txt'));
  server = await DocumentServer.start({
    '/page.html': { contentType: 'text/html; charset=utf-8', body: '<p>Hi</p>' },
    '/raw.json': { contentType: 'application/octet-stream', body: '{"a":1}' },
    '/big': { contentType: 'text/plain', body: 'y'.repeat(1001) },
    '/big-stream': { contentType: 'text/plain', body: 'y'.repeat(1001), chunked: true },
    '/slow': { contentType: 'text/plain', body: 'late', delayMs: 1500 },
    '/gone': { status: 410, body: 'gone' },
  });
  relay = await DocumentServer.start(
    { '/to-loopback': { status: 302, headers: { location: `${server.baseUrl}/page.html` } } },
    '127.0.0.2',
  );
});

beforeEach(() => {
  server.requests.length = 0;
});

afterAll(async () => {
  await server[Symbol.asyncDispose]();
  await relay[Symbol.asyncDispose]();
  await rm(root, { recursive: true, force: true });
});

describe('readDocumentSource: inline and data:', () => {
  it('keeps inline text as text, with the declared type', async () => {
    const source = await readDocumentSource('plain words', 'text/markdown', field, options());
    expect(source).toEqual({ kind: 'text', text: 'plain words', mimeType: 'text/markdown' });
  });

  it('treats text that merely starts with a URL as text', async () => {
    const source = await readDocumentSource(
      'https://example.com is our site',
      'text/plain',
      field,
      options(),
    );
    expect(source.kind).toBe('text');
  });

  it('refuses inline text over the limit with 413', async () => {
    const error = await stackErrorOf(readDocumentSource('z'.repeat(1001), 'text/plain', field, options()));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.status).toBe(413);
    expect(error.message).toContain(field);
  });

  it('decodes a data: URL and takes its type when the declared one is generic', async () => {
    const source = await readDocumentSource(
      'data:text/html;base64,PHA+SGk8L3A+',
      'application/octet-stream',
      field,
      options(),
    );
    expect(source.mimeType).toBe('text/html');
    expect(text(source)).toBe('<p>Hi</p>');
  });

  it('answers a malformed data: URL with 400 naming the field', async () => {
    const error = await stackErrorOf(
      readDocumentSource('data:text/plain;base64,!!', 'text/plain', field, options()),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.field).toBe(field);
  });
});

describe('readDocumentSource: http(s)', () => {
  it('fetches a document and keeps the declared type over the served one', async () => {
    const source = await readDocumentSource(`${server.baseUrl}/page.html`, 'text/html', field, options());
    expect(source).toMatchObject({ kind: 'bytes', mimeType: 'text/html', charset: 'utf-8' });
    expect(text(source)).toBe('<p>Hi</p>');
  });

  it('falls back to the extension when both declared and served types are generic', async () => {
    const source = await readDocumentSource(
      `${server.baseUrl}/raw.json`,
      'application/octet-stream',
      field,
      options(),
    );
    expect(source.mimeType).toBe('application/json');
  });

  it('refuses a body over the limit, announced or streamed', async () => {
    expect(
      await stackErrorOf(readDocumentSource(`${server.baseUrl}/big`, 'text/plain', field, options())),
    ).toBeInstanceOf(PayloadTooLargeError);
    expect(
      await stackErrorOf(readDocumentSource(`${server.baseUrl}/big-stream`, 'text/plain', field, options())),
    ).toBeInstanceOf(PayloadTooLargeError);
  });

  it('gives up after the fetch timeout with 503', async () => {
    const error = await stackErrorOf(
      readDocumentSource(`${server.baseUrl}/slow`, 'text/plain', field, options({ fetchTimeoutMs: 200 })),
    );
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error.message).toContain('fetch_timeout_ms');
  });

  it('answers an error status of the URL with 400 naming the field', async () => {
    const error = await stackErrorOf(
      readDocumentSource(`${server.baseUrl}/gone`, 'text/plain', field, options()),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('HTTP 410');
  });

  it('refuses http(s) when turned off', async () => {
    const error = await stackErrorOf(
      readDocumentSource(`${server.baseUrl}/page.html`, 'text/html', field, options({ allowHttp: false })),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.status).toBe(403);
  });
});

describe('readDocumentSource: url_fetch refuses private hosts', () => {
  const defaultPolicy = () =>
    options({ urlPolicy: { allowedFileRoots: [allowed], allowedPrivateHosts: [] } });

  it.each([
    ['127.0.0.1', () => `${server.baseUrl}/page.html`],
    ['localhost', () => `${server.baseUrl.replace('127.0.0.1', 'localhost')}/page.html`],
    ['the metadata address 169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('answers a document URL on %s with 403, fetching nothing', async (_name, url) => {
    const error = await stackErrorOf(readDocumentSource(url(), 'text/html', field, defaultPolicy()));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.field).toBe(field);
    expect(error.message).toContain('url_fetch.allowed_private_hosts');
    expect(server.requests).toEqual([]);
  });

  it('answers a redirect to loopback with 403, never asking the loopback server', async () => {
    const policy = options({ urlPolicy: { allowedFileRoots: [], allowedPrivateHosts: ['127.0.0.2'] } });
    const error = await stackErrorOf(
      readDocumentSource(`${relay.baseUrl}/to-loopback`, 'text/html', field, policy),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain(`redirected to ${server.baseUrl}/page.html`);
    expect(relay.requests).toEqual(['/to-loopback']);
    expect(server.requests).toEqual([]);
  });
});

describe('readDocumentSource: file://', () => {
  it('reads a file under an allowed root', async () => {
    const url = pathToFileURL(join(allowed, 'notes.md')).href;
    const source = await readDocumentSource(url, 'application/octet-stream', field, options());
    expect(source.mimeType).toBe('text/markdown');
    expect(text(source)).toBe('# Notes\nbody');
  });

  it('refuses a file outside the roots with 403 naming the field', async () => {
    const error = await stackErrorOf(
      readDocumentSource(pathToFileURL(join(root, 'secret.txt')).href, 'text/plain', field, options()),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.field).toBe(field);
    expect(error.message).toContain('url_fetch.file_roots');
  });

  it('refuses a path that climbs out of a root', async () => {
    const url = `file://${allowed}/../secret.txt`;
    expect(await stackErrorOf(readDocumentSource(url, 'text/plain', field, options()))).toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('refuses a symbolic link that leads out of a root', async () => {
    const url = pathToFileURL(join(allowed, 'link-out.txt')).href;
    expect(await stackErrorOf(readDocumentSource(url, 'text/plain', field, options()))).toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('refuses every file when no root is configured', async () => {
    const url = pathToFileURL(join(allowed, 'notes.md')).href;
    const error = await stackErrorOf(
      readDocumentSource(
        url,
        'text/plain',
        field,
        options({ urlPolicy: { allowedFileRoots: [], allowedPrivateHosts: [] } }),
      ),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('none configured');
  });

  it('refuses a file over the limit with 413 and a missing one with 400', async () => {
    const big = pathToFileURL(join(allowed, 'big.txt')).href;
    expect(await stackErrorOf(readDocumentSource(big, 'text/plain', field, options()))).toBeInstanceOf(
      PayloadTooLargeError,
    );
    const missing = pathToFileURL(join(allowed, 'missing.txt')).href;
    expect(await stackErrorOf(readDocumentSource(missing, 'text/plain', field, options()))).toBeInstanceOf(
      InvalidRequestError,
    );
  });
});
