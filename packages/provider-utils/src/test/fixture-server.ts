import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** One request the fixture server received, kept so a test can check what an adapter sent. */
export interface FixtureRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  bodyText: string;
  /** The body parsed as JSON; `undefined` when it is empty or not JSON. */
  body: unknown;
  /** Set when the client closed the connection before the response was complete (an abort). */
  disconnected: boolean;
}

/** What the server answers with. Exactly one body field (`json`, `jsonFile`, `chunks`, `chunksFile`, `text`, `hang`). */
export interface FixtureResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** A recorded `.json` body, sent byte for byte. */
  jsonFile?: string | URL;
  /** Server-Sent Events: one `data:` frame per chunk; strings are sent as they are, others as JSON. */
  chunks?: readonly unknown[];
  /** A recorded `.chunks.txt` file: one `data:` frame per non-blank line. */
  chunksFile?: string | URL;
  /** Append `data: [DONE]` after the chunks, as OpenAI-compatible servers do. Default false. */
  done?: boolean;
  /** Pause before each frame so a test can abort mid-stream. Default 0. */
  chunkDelayMs?: number;
  /** A plain-text body (an HTML error page from a proxy, say). */
  text?: string;
  /** Never answer: the request stays open until the client aborts or the server closes. */
  hang?: boolean;
}

export type FixtureHandler =
  | FixtureResponse
  | ((request: FixtureRequest) => FixtureResponse | Promise<FixtureResponse>);

export interface FixtureServerOptions {
  /**
   * Loopback address to listen on. Default `127.0.0.1`; another one (`127.0.0.2`) gives a host that
   * a URL-fetch policy can allow while it refuses `127.0.0.1`.
   */
  host?: string;
}

/** Keyed by `METHOD /path` (`POST /v1/chat/completions`) or by `/path` alone for any method. */
export type FixtureHandlers = Record<string, FixtureHandler>;

export interface FixtureServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: FixtureRequest[];
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a loopback HTTP server on 127.0.0.1 (or `options.host`) and a random port that replays recorded responses, so
 * remote adapters are tested over real HTTP instead of a patched `fetch`.
 *
 * @example
 * ```ts
 * await using server = await createFixtureServer({
 *   'POST /generate': { jsonFile: new URL('./__fixtures__/generate.json', import.meta.url) },
 *   'POST /generate_stream': { chunksFile: new URL('./__fixtures__/generate-stream.chunks.txt', import.meta.url) },
 * });
 * ```
 */
export async function createFixtureServer(
  handlers: FixtureHandlers,
  options: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const { host = '127.0.0.1' } = options;
  const requests: FixtureRequest[] = [];
  const server = createServer(async function fixtureRequestListener(incoming, outgoing) {
    const bodyParts: Buffer[] = [];
    for await (const part of incoming) bodyParts.push(part as Buffer);
    const bodyText = Buffer.concat(bodyParts).toString('utf8');
    const target = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const request: FixtureRequest = {
      method: incoming.method ?? 'GET',
      path: target.pathname,
      query: target.searchParams,
      headers: incoming.headers,
      bodyText,
      body: parseJsonOrUndefined(bodyText),
      disconnected: false,
    };
    requests.push(request);
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) request.disconnected = true;
    });

    const handler = handlers[`${request.method} ${request.path}`] ?? handlers[request.path];
    try {
      if (handler === undefined) {
        sendJson(outgoing, 404, {
          error: `No fixture for ${request.method} ${request.path}; the server knows: ${Object.keys(handlers).join(', ')}`,
        });
        return;
      }
      const response = typeof handler === 'function' ? await handler(request) : handler;
      await send(outgoing, response);
    } catch (error) {
      if (!outgoing.headersSent)
        sendJson(outgoing, 500, { error: `Fixture handler failed: ${String(error)}` });
      else outgoing.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  return { url: `http://${host}:${port}`, requests, close, [Symbol.asyncDispose]: close };
}

async function send(outgoing: ServerResponse, response: FixtureResponse): Promise<void> {
  const status = response.status ?? 200;
  if (response.hang) return;
  if (response.json !== undefined) return sendJson(outgoing, status, response.json, response.headers);
  if (response.jsonFile !== undefined) {
    const text = await readFile(response.jsonFile, 'utf8');
    outgoing.writeHead(status, { 'content-type': 'application/json', ...response.headers }).end(text);
    return;
  }
  if (response.chunks !== undefined || response.chunksFile !== undefined) {
    const frames =
      response.chunksFile !== undefined
        ? (await readFile(response.chunksFile, 'utf8')).split('\n').filter((line) => line.trim() !== '')
        : (response.chunks ?? []).map((chunk) => (typeof chunk === 'string' ? chunk : JSON.stringify(chunk)));
    if (response.done) frames.push('[DONE]');
    outgoing.writeHead(status, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...response.headers,
    });
    outgoing.flushHeaders();
    for (const frame of frames) {
      if (response.chunkDelayMs) await delay(response.chunkDelayMs);
      if (outgoing.destroyed) return;
      outgoing.write(`data: ${frame}\n\n`);
    }
    outgoing.end();
    return;
  }
  outgoing.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...response.headers });
  outgoing.end(response.text ?? '');
}

function sendJson(
  outgoing: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  outgoing.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
