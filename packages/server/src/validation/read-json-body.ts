import { InvalidRequestError, StackError } from '@llama-stack-ts/core';
import type { Context } from 'hono';

/**
 * Reads the request body as JSON; `undefined` when there is none. A body is accepted as JSON when
 * its `Content-Type` is `application/json`, a `+json` type, or absent (as FastAPI does, for clients
 * that send none); another declared type is a 415, and text that does not parse is a 400.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;

  const contentType = c.req.header('content-type');
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    throw new StackError(
      415,
      'unsupported_media_type',
      `The request body must be JSON: send it with 'Content-Type: application/json' (got '${contentType}').`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidRequestError('(body)', `the body is not valid JSON (${reason})`);
  }
}

function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'))
  );
}
