import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createReadStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  DependencyUnavailableError,
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
  StackError,
  type UrlPolicy,
} from '@llama-stack-ts/core';
import { decodeDataUrl } from '../content/decode-data-url.js';
import { nonPublicAddressKind, parseIpAddress } from './ip-address.js';
import { baseMediaType, charsetOf } from './media-type.js';
import { type PrivateHostAllowList, parsePrivateHostAllowList } from './private-host-allow-list.js';
import { resolveUserFile } from './resolve-user-file.js';

export interface OpenUserUrlOptions {
  /** The distribution's `url_fetch:` policy (`ProviderContext.urlPolicy`); without one, no private host and no file is allowed. */
  policy: UrlPolicy | undefined;
  /** The request field holding the URL (`dataset.content_url`), named by every error. Default `url`. */
  field?: string;
  /** Aborts the connection and the body; the promise or the body then fails with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Most bytes the content may have; more (announced or streamed) is a `PayloadTooLargeError`. Default: no limit. */
  maxBytes?: number;
  /** How to raise `maxBytes`, for the `PayloadTooLargeError` message. */
  maxBytesHint?: string;
  /** Redirects followed, each hop checked like the first URL. Default 5. */
  maxRedirects?: number;
  /** Who fetches (`inline::localfs`), for the 503 when a host cannot be reached. Default `url_fetch`. */
  provider?: string;
}

/** An opened user URL: its bytes as a stream, and what is known about them. */
export interface UserUrlContent {
  /** The content. Read it to its end, or `destroy()` it to stop early (closes the connection or file). */
  body: Readable;
  /** The URL the content came from: the last hop of redirects, or the URL given. */
  url: string;
  /** The declared media type, lower-cased without parameters (`text/csv`); `undefined` when none was declared (files). */
  mediaType: string | undefined;
  /** The declared `charset`, if any. */
  charset: string | undefined;
  /** A file name to tell the format by its extension: the `Content-Disposition` name, else the last path segment. */
  fileName: string | undefined;
  /** The size in bytes when known beforehand (Content-Length, file size, decoded data: URL). */
  size: number | undefined;
  /** For a `file://` URL, the real path of the file (for random access); else `undefined`. */
  path: string | undefined;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

interface FetchContext {
  url: string;
  policy: UrlPolicy | undefined;
  field: string;
  signal: AbortSignal | undefined;
  maxBytes: number;
  maxBytesHint: string | undefined;
  maxRedirects: number;
  provider: string;
}

/**
 * Opens a URL a user gave (a document, a dataset, a batch file) under the distribution's
 * `url_fetch:` policy, so one request cannot make the server reach what the user could not:
 *
 * - `http(s)://`: every address the host resolves to must be public (not loopback, private,
 *   link-local or metadata, CGNAT, unspecified, multicast, nor an IPv6 form of one) unless the
 *   host is in `policy.allowedPrivateHosts`. The check runs inside the connection's own DNS lookup,
 *   so the address checked is the address connected to (no DNS-rebinding gap). Redirects are
 *   followed by hand, each hop checked the same way.
 * - `file://`: only inside `policy.allowedFileRoots`, links resolved (`resolveUserFile`).
 * - `data:`: decoded in memory.
 *
 * Refusals are `ForbiddenError` (403) naming the URL and the `url_fetch` setting that allows it; a
 * missing file or an error status of the URL is an `InvalidRequestError` (400) on `field`; more
 * than `maxBytes` is a `PayloadTooLargeError` (413); a host that cannot be reached a
 * `DependencyUnavailableError` (503).
 */
export async function openUserUrl(url: string, options: OpenUserUrlOptions): Promise<UserUrlContent> {
  const context: FetchContext = {
    url,
    policy: options.policy,
    field: options.field ?? 'url',
    signal: options.signal,
    maxBytes: options.maxBytes ?? Number.POSITIVE_INFINITY,
    maxBytesHint: options.maxBytesHint,
    maxRedirects: options.maxRedirects ?? 5,
    provider: options.provider ?? 'url_fetch',
  };
  context.signal?.throwIfAborted();
  if (/^data:/i.test(url)) return openDataUrl(context);
  if (/^file:/i.test(url)) return openFile(context);
  if (/^https?:/i.test(url)) return openHttp(context);
  throw new InvalidRequestError(
    context.field,
    `must be an http(s)://, file:// or data: URL, not '${url.slice(0, 60)}'`,
  );
}

function openDataUrl(context: FetchContext): UserUrlContent {
  const { mediaType, charset, bytes } = decodeDataUrl(context.url, {
    field: context.field,
    maxBytes: context.maxBytes,
    maxBytesHint: context.maxBytesHint,
  });
  return {
    body: Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]),
    url: context.url,
    mediaType,
    charset,
    fileName: undefined,
    size: bytes.byteLength,
    path: undefined,
  };
}

async function openFile(context: FetchContext): Promise<UserUrlContent> {
  const { path, size } = await resolveUserFile(context.url, { policy: context.policy, field: context.field });
  if (size > context.maxBytes) throw tooLarge(context, `${path}, ${size} bytes`);
  const body = limitBody(createReadStream(path, { signal: context.signal }), context, path);
  return {
    body,
    url: context.url,
    mediaType: undefined,
    charset: undefined,
    fileName: basename(fileURLToPath(context.url)),
    size,
    path,
  };
}

async function openHttp(context: FetchContext): Promise<UserUrlContent> {
  const allowList = parsePrivateHostAllowList(context.policy?.allowedPrivateHosts ?? []);
  let current = parseHttpUrl(context.url, context.field);
  for (let hop = 0; ; hop++) {
    const response = await get(current, allowList, context);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (redirectStatuses.has(status) && location) {
      response.destroy();
      if (hop >= context.maxRedirects) {
        throw new InvalidRequestError(
          context.field,
          `${context.url} redirects more than ${context.maxRedirects} times; give the URL it ends at`,
        );
      }
      current = redirectTarget(location, current, context);
      continue;
    }
    if (status < 200 || status >= 300) {
      response.destroy();
      throw new InvalidRequestError(
        context.field,
        `fetching ${current.href} answered HTTP ${status}; give a URL that serves the content`,
      );
    }
    const declaredLength = Number(response.headers['content-length'] ?? Number.NaN);
    if (declaredLength > context.maxBytes) {
      response.destroy();
      throw tooLarge(context, `${current.href}, ${declaredLength} bytes`);
    }
    const contentType = response.headers['content-type'];
    return {
      body: limitBody(response, context, current.href),
      url: current.href,
      mediaType: contentType ? baseMediaType(contentType) : undefined,
      charset: charsetOf(contentType),
      fileName: fileNameOf(response.headers['content-disposition'], current),
      size: Number.isFinite(declaredLength) ? declaredLength : undefined,
      path: undefined,
    };
  }
}

function parseHttpUrl(url: string, field: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new InvalidRequestError(field, `is not a valid URL ('${url.slice(0, 60)}')`);
  }
}

function redirectTarget(location: string, from: URL, context: FetchContext): URL {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new InvalidRequestError(
      context.field,
      `${from.href} redirects to '${location}', which is not a URL`,
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ForbiddenError(
      `${context.field}: ${context.url} redirects to ${target.href}; only redirects to http(s) URLs are followed.`,
      { field: context.field },
    );
  }
  return target;
}

/** One GET, connecting only to addresses the policy allows (checked in the socket's own lookup). */
function get(url: URL, allowList: PrivateHostAllowList, context: FetchContext): Promise<IncomingMessage> {
  // An address as host skips DNS (and so the lookup below): it is checked here.
  const literal = parseIpAddress(url.hostname);
  if (literal) checkAddress(url, url.hostname, literal, allowList, context);
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      try {
        for (const { address } of addresses) {
          checkAddress(url, address, parseIpAddress(address) as Uint8Array, allowList, context);
        }
      } catch (refusal) {
        return callback(refusal as Error, '', 0);
      }
      if (lookupOptions.all) return callback(null, addresses);
      const [first] = addresses;
      return callback(null, first?.address ?? '', first?.family ?? 0);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        lookup,
        signal: context.signal,
        agent: false,
        headers: { accept: '*/*', 'user-agent': 'llama-stack-ts' },
      },
      resolve,
    );
    request.once('error', (error) => reject(connectionError(error, url, context)));
  });
}

function checkAddress(
  url: URL,
  address: string,
  bytes: Uint8Array,
  allowList: PrivateHostAllowList,
  context: FetchContext,
): void {
  if (allowList.allowsName(url.hostname) || allowList.allowsAddress(bytes)) return;
  const kind = nonPublicAddressKind(bytes);
  if (!kind) return;
  const hop = url.href === context.url ? '' : ` (redirected to ${url.href})`;
  throw new ForbiddenError(
    `${context.field}: ${context.url}${hop} reaches ${address}, ${kind}; the server does not fetch such addresses for a user. ` +
      `If ${url.hostname} is meant to be reached, add it to url_fetch.allowed_private_hosts in distribution.yaml.`,
    { field: context.field },
  );
}

/** A refusal as it was raised, an abort as the signal's reason, anything else a 503 naming the URL. */
function connectionError(error: unknown, url: URL | string, context: FetchContext): unknown {
  if (StackError.isInstance(error)) return error;
  if (context.signal?.aborted) return context.signal.reason;
  return new DependencyUnavailableError(context.provider, typeof url === 'string' ? url : url.href, error);
}

function tooLarge(context: FetchContext, what: string): PayloadTooLargeError {
  return new PayloadTooLargeError(`${context.field} (${what})`, context.maxBytes, context.maxBytesHint);
}

/** `source` passed through, failing with a `PayloadTooLargeError` past `maxBytes` and with mapped errors. */
function limitBody(source: Readable, context: FetchContext, where: string): Readable {
  let received = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.byteLength;
      if (received > context.maxBytes) callback(tooLarge(context, where));
      else callback(null, chunk);
    },
  });
  source.once('error', (error) => limited.destroy(connectionError(error, where, context) as Error));
  limited.once('close', () => source.destroy());
  source.pipe(limited);
  return limited;
}

function fileNameOf(disposition: string | undefined, url: URL): string | undefined {
  const encoded = disposition && /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(disposition)?.[1];
  const plain = disposition && /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1];
  const fromDisposition = encoded ? safeDecode(encoded) : plain;
  if (fromDisposition) return basename(fromDisposition.trim());
  const segment = url.pathname.split('/').at(-1);
  return segment ? safeDecode(segment) : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
