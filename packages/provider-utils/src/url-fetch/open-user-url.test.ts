import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
  type UrlPolicy,
} from '@llama-stack-ts/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stackErrorOf } from '../test/stack-error-of.js';
import { openUserUrl, type UserUrlContent } from './open-user-url.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 that records the paths it was asked for. */
async function startServer(
  routes: Record<string, Handler>,
  host = '127.0.0.1',
): Promise<{ port: number; paths: string[]; server: Server }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    const handler = routes[request.url ?? ''];
    if (handler) handler(request, response);
    else response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, paths, server };
}

const text =
  (body: string, contentType = 'text/plain'): Handler =>
  (_request, response) => {
    response
      .writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) })
      .end(body);
  };
const redirect =
  (location: () => string, status = 302): Handler =>
  (_request, response) => {
    response.writeHead(status, { location: location() }).end();
  };

async function readText(content: UserUrlContent): Promise<string> {
  return Buffer.concat(await content.body.toArray()).toString('utf8');
}

const noPolicy: UrlPolicy = { allowedFileRoots: [], allowedPrivateHosts: [] };
const field = 'dataset.content_url';

let origin: Awaited<ReturnType<typeof startServer>>;
let other: Awaited<ReturnType<typeof startServer>>;
/** On 127.0.0.2, so allowing it by address does not allow localhost (127.0.0.1). */
let relay: Awaited<ReturnType<typeof startServer>>;
let base: string;

beforeAll(async () => {
  other = await startServer({ '/secret': text('internal secret') });
  origin = await startServer({
    '/rows.jsonl': text('{"a":1}\n', 'application/jsonl; charset=utf-8'),
    '/download': (_request, response) => {
      response
        .writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-disposition': 'attachment; filename="data.csv"',
        })
        .end('a,b\n1,2\n');
    },
    '/to-loopback': redirect(() => `http://127.0.0.1:${other.port}/secret`),
    '/to-metadata': redirect(() => 'http://169.254.169.254/latest/meta-data/'),
    '/to-file': redirect(() => 'file:///etc/passwd'),
    '/relative': redirect(() => '/rows.jsonl', 307),
    '/loop': redirect(() => '/loop'),
    '/big': text('x'.repeat(2048)),
    '/big-stream': (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let piece = 0; piece < 8; piece++) response.write('y'.repeat(256));
      response.end();
    },
    '/gone': (_request, response) => response.writeHead(410).end('gone'),
  });
  relay = await startServer(
    { '/to-localhost': redirect(() => `http://localhost:${other.port}/secret`) },
    '127.0.0.2',
  );
  base = `http://127.0.0.1:${origin.port}`;
});

afterAll(async () => {
  for (const { server } of [origin, other, relay]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

beforeEach(() => {
  origin.paths.length = 0;
  other.paths.length = 0;
});

describe('openUserUrl: http(s) hosts', () => {
  it.each([
    ['127.0.0.1', () => `${base}/rows.jsonl`],
    ['localhost (through DNS)', () => `http://localhost:${origin.port}/rows.jsonl`],
    ['127.1 (short form)', () => `http://127.1:${origin.port}/rows.jsonl`],
    ['2130706433 (decimal form)', () => `http://2130706433:${origin.port}/rows.jsonl`],
    ['[::ffff:127.0.0.1] (IPv4-mapped)', () => `http://[::ffff:127.0.0.1]:${origin.port}/rows.jsonl`],
  ])(
    'refuses %s by default with 403 naming the URL and the setting, before connecting',
    async (_name, url) => {
      const error = await stackErrorOf(openUserUrl(url(), { policy: noPolicy, field }));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.status).toBe(403);
      expect(error.field).toBe(field);
      expect(error.message).toContain(url());
      expect(error.message).toContain('url_fetch.allowed_private_hosts');
      expect(origin.paths).toEqual([]);
    },
  );

  it('refuses the metadata address without a policy at all', async () => {
    const error = await stackErrorOf(
      openUserUrl('http://169.254.169.254/latest/meta-data/', { policy: undefined }),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('link-local');
  });

  it.each([['127.0.0.1'], ['127.0.0.0/8'], ['localhost']])(
    'fetches a loopback host listed in allowed_private_hosts as %s',
    async (entry) => {
      const host = entry === 'localhost' ? 'localhost' : '127.0.0.1';
      const content = await openUserUrl(`http://${host}:${origin.port}/rows.jsonl`, {
        policy: { ...noPolicy, allowedPrivateHosts: [entry] },
        field,
      });
      expect(await readText(content)).toBe('{"a":1}\n');
      expect(content).toMatchObject({
        mediaType: 'application/jsonl',
        charset: 'utf-8',
        fileName: 'rows.jsonl',
        size: 8,
      });
    },
  );

  it('takes the file name from Content-Disposition', async () => {
    const content = await openUserUrl(`${base}/download`, {
      policy: { ...noPolicy, allowedPrivateHosts: ['127.0.0.1'] },
    });
    expect(content.fileName).toBe('data.csv');
    expect(await readText(content)).toBe('a,b\n1,2\n');
  });

  it('answers an error status with 400 naming the field and the status', async () => {
    const error = await stackErrorOf(
      openUserUrl(`${base}/gone`, { policy: { ...noPolicy, allowedPrivateHosts: ['127.0.0.1'] }, field }),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('HTTP 410');
  });

  it('refuses a scheme it does not fetch', async () => {
    expect(await stackErrorOf(openUserUrl('ftp://example.com/x', { policy: noPolicy }))).toBeInstanceOf(
      InvalidRequestError,
    );
  });
});

describe('openUserUrl: redirects', () => {
  const onlyOrigin = () => ({ ...noPolicy, allowedPrivateHosts: ['127.0.0.1'] });

  it('follows a relative redirect on an allowed host', async () => {
    const content = await openUserUrl(`${base}/relative`, { policy: onlyOrigin(), field });
    expect(content.url).toBe(`${base}/rows.jsonl`);
    expect(await readText(content)).toBe('{"a":1}\n');
  });

  it('checks every hop: a redirect from an allowed host to a refused one is 403, and the target is never asked', async () => {
    const policy = { ...noPolicy, allowedPrivateHosts: [`localhost`] };
    const url = `http://localhost:${origin.port}/to-loopback`;
    const error = await stackErrorOf(openUserUrl(url, { policy, field }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain(url);
    expect(error.message).toContain(`redirected to http://127.0.0.1:${other.port}/secret`);
    expect(other.paths).toEqual([]);
  });

  it('refuses a redirect to localhost found through DNS', async () => {
    const url = `http://127.0.0.2:${relay.port}/to-localhost`;
    const error = await stackErrorOf(
      openUserUrl(url, { policy: { ...noPolicy, allowedPrivateHosts: ['127.0.0.2'] }, field }),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('loopback');
    expect(other.paths).toEqual([]);
  });

  it('refuses a redirect to the metadata address and to a file:// URL', async () => {
    expect(
      await stackErrorOf(openUserUrl(`${base}/to-metadata`, { policy: onlyOrigin(), field })),
    ).toBeInstanceOf(ForbiddenError);
    const toFile = await stackErrorOf(openUserUrl(`${base}/to-file`, { policy: onlyOrigin(), field }));
    expect(toFile).toBeInstanceOf(ForbiddenError);
    expect(toFile.message).toContain('file:///etc/passwd');
  });

  it('gives up after maxRedirects hops with 400', async () => {
    const error = await stackErrorOf(
      openUserUrl(`${base}/loop`, { policy: onlyOrigin(), field, maxRedirects: 3 }),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('more than 3 times');
    expect(origin.paths).toEqual(['/loop', '/loop', '/loop', '/loop']);
  });
});

describe('openUserUrl: size limit', () => {
  const policy: UrlPolicy = { ...noPolicy, allowedPrivateHosts: ['127.0.0.1'] };

  it('refuses an announced Content-Length over maxBytes with 413 before reading', async () => {
    const error = await stackErrorOf(
      openUserUrl(`${base}/big`, { policy, field, maxBytes: 1024, maxBytesHint: 'raise it' }),
    );
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.message).toContain('raise it');
  });

  it('fails the body with 413 once a stream without Content-Length passes maxBytes', async () => {
    const content = await openUserUrl(`${base}/big-stream`, { policy, field, maxBytes: 1024 });
    expect(content.size).toBeUndefined();
    expect(await stackErrorOf(readText(content))).toBeInstanceOf(PayloadTooLargeError);
  });

  it('limits a data: URL too', async () => {
    const url = `data:text/plain;base64,${Buffer.from('z'.repeat(100)).toString('base64')}`;
    expect(await stackErrorOf(openUserUrl(url, { policy, maxBytes: 10 }))).toBeInstanceOf(
      PayloadTooLargeError,
    );
    const content = await openUserUrl(url, { policy, maxBytes: 100 });
    expect(content).toMatchObject({ mediaType: 'text/plain', size: 100, fileName: undefined });
    expect(await readText(content)).toBe('z'.repeat(100));
  });
});

describe('openUserUrl: file://', () => {
  let root: string;
  let allowed: string;
  let policy: UrlPolicy;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'open-user-url-'));
    allowed = join(root, 'allowed');
    await mkdir(allowed);
    await writeFile(join(allowed, 'rows.csv'), 'a\n1\n');
    await writeFile(join(allowed, 'big.txt'), 'b'.repeat(2048));
    await writeFile(join(root, 'secret.txt'), 'secret');
    await symlink(join(root, 'secret.txt'), join(allowed, 'link-out.txt'));
    await symlink(join(allowed, 'rows.csv'), join(root, 'link-in.csv'));
    policy = { allowedFileRoots: [allowed], allowedPrivateHosts: [] };
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reads a file inside a root, with its real path and size', async () => {
    const content = await openUserUrl(pathToFileURL(join(allowed, 'rows.csv')).href, { policy, field });
    expect(content).toMatchObject({ fileName: 'rows.csv', size: 4, mediaType: undefined });
    expect(content.path).toMatch(/rows\.csv$/);
    expect(await readText(content)).toBe('a\n1\n');
  });

  it.each([
    ['a file outside every root', () => pathToFileURL(join(root, 'secret.txt')).href],
    ['a path that climbs out with ..', () => `file://${allowed}/../secret.txt`],
    ['a symbolic link inside a root leading out', () => pathToFileURL(join(allowed, 'link-out.txt')).href],
    ['a symbolic link outside the roots leading in', () => pathToFileURL(join(root, 'link-in.csv')).href],
    [
      'a missing file outside the roots (no existence probe)',
      () => pathToFileURL(join(root, 'nothing')).href,
    ],
  ])('refuses %s with 403 naming url_fetch.file_roots', async (_name, url) => {
    const error = await stackErrorOf(openUserUrl(url(), { policy, field }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.field).toBe(field);
    expect(error.message).toContain('url_fetch.file_roots');
  });

  it('refuses every file when no root is configured', async () => {
    const error = await stackErrorOf(
      openUserUrl(pathToFileURL(join(allowed, 'rows.csv')).href, { policy: noPolicy }),
    );
    expect(error.message).toContain('none configured');
  });

  it('answers a missing file inside a root with 400 naming it', async () => {
    const missing = join(allowed, 'missing.jsonl');
    const error = await stackErrorOf(openUserUrl(pathToFileURL(missing).href, { policy, field }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain(missing);
  });

  it('refuses a file over maxBytes with 413', async () => {
    const url = pathToFileURL(join(allowed, 'big.txt')).href;
    expect(await stackErrorOf(openUserUrl(url, { policy, maxBytes: 1024 }))).toBeInstanceOf(
      PayloadTooLargeError,
    );
  });
});
