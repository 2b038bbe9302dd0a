import { InvalidRequestError, StackError } from '@llama-stack-ts/core';
import type { Context } from 'hono';
import { findTooDeepJson, maxJsonNesting } from './json-nesting.js';

export interface ReadJsonBodyOptions {
  /** The error for a body that is not JSON, in the surface's words. Default: a 400 on `(body)`. */
  malformed?(reason: string): Error;
}

/**
 * Reads the request body as JSON, for every surface; `undefined` when there is none. Text that does
 * not parse is thrown as `malformed` says; a body nested deeper than `maxJsonNesting` is a 400
 * before any schema work sees it.
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
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : String(error));
  }
  const tooDeep = findTooDeepJson(body);
  if (tooDeep !== undefined) {
    throw new InvalidRequestError(
      tooDeep || '(body)',
      `nests arrays and objects more than ${maxJsonNesting} levels deep; flatten it`,
    );
  }
  return body;
}

function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'))
  );
}
