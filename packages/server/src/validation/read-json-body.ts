import { InvalidRequestError, StackError } from '@llama-stack-ts/core';
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
  // A small declared body is read as text, the cheapest way; one of unknown length (chunked) is
  // read as bytes first, and then its size decides.
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) <= offThreadJsonBytes)
    return parseJsonBody(await c.req.text());
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  return bytes.byteLength > offThreadJsonBytes ? parseJsonBodyOffThread(bytes) : parseJsonBody(bytes);
}

function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'))
  );
}
