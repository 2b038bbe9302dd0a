import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface LoopbackHub {
  /** `http://127.0.0.1:<port>`: the `hub_url` to configure. */
  url: string;
  /** Every path asked for, URL-decoded, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for the Hugging Face hub: serves `folder` as the `main` revision of `repoId`
 * at `/<owner>/<name>/resolve/main/<path>` (with Content-Length, as the hub does), answers 404
 * `Entry not found` for anything else, and records the requests.
 */
export function startLoopbackHub(options: { repoId: string; folder: string }): Promise<LoopbackHub> {
  const requests: string[] = [];
  const prefix = `/${options.repoId}/resolve/main/`;
  const server = createServer((request, response) => {
    const url = decodeURIComponent(request.url ?? '');
    requests.push(url);
    const file =
      url.startsWith(prefix) && !url.includes('..')
        ? join(options.folder, url.slice(prefix.length))
        : undefined;
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    response.writeHead(200, { 'content-length': String(statSync(file).size) });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
