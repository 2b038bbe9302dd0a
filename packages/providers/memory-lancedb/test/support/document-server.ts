import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DocumentRoute {
  status?: number;
  contentType?: string;
  body?: string | Uint8Array;
  /** Wait this long before answering (to hit the fetch timeout). */
  delayMs?: number;
  /** Leave out Content-Length and stream the body in pieces (to hit the size limit mid-body). */
  chunked?: boolean;
  /** Extra response headers (`location` of a redirect). */
  headers?: Record<string, string>;
}

/** A real HTTP server on loopback serving fixed documents by path. */
export class DocumentServer implements AsyncDisposable {
  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    /** The path of every request received, in order. */
    readonly requests: string[],
  ) {}

  /** Listens on `host` (default 127.0.0.1; any 127.x.y.z is loopback on Linux) and a free port. */
  static async start(routes: Record<string, DocumentRoute>, host = '127.0.0.1'): Promise<DocumentServer> {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const route = routes[request.url ?? ''];
      if (!route) {
        response.writeHead(404).end('not found');
        return;
      }
      const answer = () => {
        const body = typeof route.body === 'string' ? Buffer.from(route.body) : Buffer.from(route.body ?? '');
        const headers: Record<string, string> = { ...route.headers };
        if (route.contentType) headers['content-type'] = route.contentType;
        if (route.chunked) {
          response.writeHead(route.status ?? 200, headers);
          const piece = Math.max(1, Math.ceil(body.length / 4));
          for (let offset = 0; offset < body.length; offset += piece)
            response.write(body.subarray(offset, offset + piece));
          response.end();
          return;
        }
        headers['content-length'] = String(body.length);
        response.writeHead(route.status ?? 200, headers).end(body);
      };
      if (route.delayMs) setTimeout(answer, route.delayMs);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    return new DocumentServer(server, `http://${host}:${port}`, requests);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
