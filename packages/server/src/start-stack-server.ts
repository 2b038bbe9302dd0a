import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createStackApp, type StackAppOptions } from './create-stack-app.js';
import type { ServableStack } from './servable-stack.js';

export interface StartStackServerOptions extends StackAppOptions {
  /** TCP port; `0` picks a free one (read it back from `url`). Default: the manifest's, else 8321. */
  port?: number;
  /** Interface to listen on. Default: the manifest's, else `127.0.0.1`; `0.0.0.0` accepts other machines. */
  host?: string;
  /**
   * How long `close()` waits for requests in flight (a long generation, a stream) before it cuts
   * their connections, which aborts their providers. Default 10 000 ms.
   */
  shutdownTimeoutMs?: number;
}

export interface StackServer {
  /** Base URL clients can reach, e.g. `http://127.0.0.1:8321`. */
  readonly url: string;
  readonly port: number;
  readonly app: Hono;
  readonly server: ServerType;
  /**
   * Stops accepting connections, waits for requests in flight (at most `shutdownTimeoutMs`), then
   * disposes the stack. Idempotent: later calls return the same promise. A CLI calls it on SIGINT
   * and SIGTERM.
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Serves `createStackApp(stack, options)` over HTTP with `@hono/node-server` and resolves once the
 * port is listening.
 *
 * @example
 * ```ts
 * const server = await startStackServer(stack, { port: 8321 });
 * process.once('SIGTERM', () => void server.close());
 * ```
 */
export async function startStackServer(
  stack: ServableStack,
  options: StartStackServerOptions = {},
): Promise<StackServer> {
  const settings = stack.manifest.server ?? {};
  const {
    port = settings.port ?? 8321,
    host = settings.host ?? '127.0.0.1',
    shutdownTimeoutMs = 10_000,
    ...appOptions
  } = options;
  const app = createStackApp(stack, { host, ...appOptions });
  const server = serve({ fetch: app.fetch, port, hostname: host });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${port} on ${host} is already in use: pick another port or stop what listens there.`,
              {
                cause: error,
              },
            )
          : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
  });

  answerMalformedRequests(server as Server);
  const responses = trackResponses(server);
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${address.port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= shutDown(server, responses, stack, shutdownTimeoutMs);
    return closing;
  };
  return { url, port: address.port, app, server, close, [Symbol.asyncDispose]: close };
}

/**
 * Node answers a request it cannot parse (headers past its limit: 431; malformed HTTP: 400) with
 * an empty body and no word of why; this answers it in the stack's error shape instead.
 */
function answerMalformedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, reason, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            'The request headers are too large: send fewer or shorter headers (the limit is 16 KiB in all).',
          ]
        : [400, 'Bad Request', `The request is not valid HTTP: ${error.code ?? error.message}.`];
    const body = JSON.stringify({
      error: { code: status === 431 ? 'headers_too_large' : 'bad_request', message },
    });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

interface ResponseTracker {
  /** Resolves once every response begun so far has closed (sent in full, or its socket cut). */
  allClosed(): Promise<void>;
}

/**
 * Counts responses until their `close` event. That listener is added after @hono/node-server's own,
 * which aborts the request's signal on a premature close: once a response is counted closed, its
 * provider has been told to stop.
 */
function trackResponses(server: ServerType): ResponseTracker {
  const open = new Set<ServerResponse>();
  const waiters: (() => void)[] = [];
  (server as Server).on('request', (_request: IncomingMessage, response: ServerResponse) => {
    open.add(response);
    response.once('close', () => {
      open.delete(response);
      if (open.size === 0) for (const resolve of waiters.splice(0)) resolve();
    });
  });
  return {
    allClosed: () => (open.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

async function shutDown(
  server: ServerType,
  responses: ResponseTracker,
  stack: ServableStack,
  timeoutMs: number,
): Promise<void> {
  const http = server as Server;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections idle between requests would hold `close()` open: drop them as they idle.
  http.closeIdleConnections();
  const idleSweep = setInterval(() => http.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    if ((await Promise.race([responses.allClosed(), timedOut])) === 'timeout') {
      // Cutting the sockets aborts the requests' signals, so their providers stop work.
      http.closeAllConnections();
      await responses.allClosed();
    }
    // What is left carries no response: sockets opened but never used, which `closeIdleConnections`
    // does not count as idle and which would otherwise hold `close()` until they time out.
    http.closeAllConnections();
    await closed;
  } finally {
    clearInterval(idleSweep);
    clearTimeout(timer);
  }
  await stack.dispose();
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
