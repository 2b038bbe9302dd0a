import { InvalidRequestError, StackError } from '@llama-stack-ts/core';
import { EventLoopSlices } from '@llama-stack-ts/provider-utils';
import type { Context } from 'hono';
import parseJsonBody, { type JsonBodyOutcome, maxJsonNesting } from './json-body-parse.js';
import { offThreadJsonBytes, parseJsonBodyOffThread } from './json-body-thread.js';

export interface ReadJsonBodyOptions {
  /** The error for a body that is not JSON, in the surface's words. Default: a 400 on `(body)`. */
  malformed?(reason: string): Error;
}

/**
 * Reads the request body as JSON, for every surface; `undefined` when there is none. Text that does
 * not parse is thrown as `malformed` says; a body nested deeper than `maxJsonNesting` is a 400
 * before any schema work sees it. A body over `offThreadJsonBytes` is parsed off the event loop.
 */
export async function readJsonBody(
  c: Context,
  {
    malformed = (reason) => new InvalidRequestError('(body)', `the body is not valid JSON (${reason})`),
  }: ReadJsonBodyOptions = {},
): Promise<unknown> {
  const contentType = c.req.header('content-type');
  // A cross-site HTML form can post text/plain, urlencoded or multipart bodies without a CORS
  // preflight, never JSON: refusing them keeps such forms from driving the API. An absent type is
  // accepted, as FastAPI does, for clients that send none. Checked before the body is read.
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    throw new StackError(
      415,
      'unsupported_media_type',
      `The request body must be JSON: send it with 'Content-Type: application/json' (got '${contentType}').`,
    );
  }
  const outcome = await parseBody(c);
  switch (outcome.kind) {
    case 'empty':
      return undefined;
    case 'malformed':
      throw malformed(outcome.reason);
    case 'too-deep':
      throw new InvalidRequestError(
        outcome.path || '(body)',
        `nests arrays and objects more than ${maxJsonNesting} levels deep; flatten it`,
      );
    case 'parsed':
      return outcome.body;
  }
}

async function parseBody(c: Context): Promise<JsonBodyOutcome> {
  const declared = c.req.header('content-length');
  const length = declared === undefined ? undefined : Number(declared);
  // A small declared body is read as text, the cheapest way.
  if (length !== undefined && length <= offThreadJsonBytes) return parseJsonBody(await c.req.text());
  // A large one is copied chunk by chunk, as it arrives, into a buffer the thread then takes over:
  // reading it whole and copying it out (concat, then slice) held the event loop for a tenth of a
  // second per 15 MB. One of unknown length (chunked) is read whole, and then its size decides.
  const bytes =
    length !== undefined && c.req.raw.body
      ? await readInto(c.req.raw.body, length)
      : new Uint8Array(await c.req.arrayBuffer());
  return bytes.byteLength > offThreadJsonBytes ? parseJsonBodyOffThread(bytes) : parseJsonBody(bytes);
}

/** The `length` declared bytes of `body`, gathered into one buffer as they come. */
async function readInto(body: ReadableStream<Uint8Array>, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let filled = 0;
  // Chunks that arrived together are handed over in one go: copying 15 MB of them held the loop.
  const slices = new EventLoopSlices();
  for await (const chunk of body) {
    // The HTTP parser holds a body to its Content-Length; a stream that ran longer is cut there.
    bytes.set(chunk.subarray(0, length - filled), filled);
    filled = Math.min(length, filled + chunk.byteLength);
    if (slices.due()) await slices.next();
  }
  return bytes.subarray(0, filled);
}

function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'))
  );
}
