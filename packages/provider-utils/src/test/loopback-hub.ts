import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface LoopbackHub {
  /** `http://127.0.0.1:<port>`: the `hub_url` to configure. */
  url: string;
  /** Every path asked for, URL-decoded, in order (HEAD requests prefixed with `HEAD `). */
  requests: string[];
  /** The `Range` header of each GET of a file, in order (`undefined` for a whole-file GET). */
  ranges: (string | undefined)[];
  close(): Promise<void>;
}

export interface LoopbackHubOptions {
  repoId: string;
  folder: string;
  /**
   * Cut the connection after this many bytes of the first GET of a file (the body is announced
   * whole), as a dropped connection does: for resume tests.
   */
  cutFirstDownloadAfterBytes?: number;
  /** The SHA-256 the hub claims in `X-Linked-Etag` for every file; default: each file's true sum. */
  claimedSha256?: string;
  /** File bodies wait for this promise (the headers go at once): holds a download in progress. */
  holdDownloads?: Promise<unknown>;
}

/**
 * A loopback stand-in for the Hugging Face hub: serves `folder` as the `main` revision of `repoId`
 * at `/<owner>/<name>/resolve/main/<path>` (with Content-Length, as the hub does; HEAD with the
 * file's SHA-256 in `X-Linked-Etag`, as the hub does for LFS files; `Range: bytes=N-` answered 206),
 * lists it at `/api/models/<owner>/<name>/revision/main` (`siblings`), answers 404
 * `Entry not found` for anything else, and records the requests.
 */
export function startLoopbackHub(options: LoopbackHubOptions): Promise<LoopbackHub> {
  const requests: string[] = [];
  const ranges: (string | undefined)[] = [];
  const prefix = `/${options.repoId}/resolve/main/`;
  const listing = `/api/models/${options.repoId}/revision/main`;
  const sums = new Map<string, string>();
  const sha256Of = (file: string): string => {
    let sum = sums.get(file);
    if (!sum) {
      sum = createHash('sha256').update(readFileSync(file)).digest('hex');
      sums.set(file, sum);
    }
    return sum;
  };
  let cutDone = false;
  const server = createServer((request, response) => {
    const url = decodeURIComponent(request.url ?? '');
    const head = request.method === 'HEAD';
    requests.push(head ? `HEAD ${url}` : url);
    if (url === listing) {
      const files = readdirSync(options.folder, { recursive: true, encoding: 'utf8' }).filter((name) =>
        statSync(join(options.folder, name)).isFile(),
      );
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: options.repoId, siblings: files.map((rfilename) => ({ rfilename })) }));
      return;
    }
    const file =
      url.startsWith(prefix) && !url.includes('..')
        ? join(options.folder, url.slice(prefix.length))
        : undefined;
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    const size = statSync(file).size;
    const etag = `"${options.claimedSha256 ?? sha256Of(file)}"`;
    if (head) {
      response.writeHead(200, { 'content-length': String(size), 'x-linked-etag': etag, etag }).end();
      return;
    }
    const range = request.headers.range;
    ranges.push(range);
    const start = range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? Number.NaN) : 0;
    if (Number.isNaN(start) || start >= size) {
      response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    response.writeHead(range ? 206 : 200, {
      'content-length': String(size - start),
      ...(range ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
      etag,
    });
    if (options.holdDownloads) {
      response.flushHeaders();
      void options.holdDownloads.then(() => createReadStream(file, { start }).pipe(response));
      return;
    }
    const cut = options.cutFirstDownloadAfterBytes;
    if (cut !== undefined && !cutDone) {
      cutDone = true;
      const stream = createReadStream(file, { start, end: start + cut - 1 });
      stream.on('data', (chunk) => response.write(chunk));
      stream.on('end', () => setTimeout(() => response.destroy(), 20));
      return;
    }
    createReadStream(file, { start }).pipe(response);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        ranges,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
