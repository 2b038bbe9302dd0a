import { StackError, toInvalidRequestError } from '@llama-stack-ts/core';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';

/**
 * What a thrown value means to a client, before a surface words it: a `StackError` as it is, a zod
 * error as the 400 naming its field, Hono's `HTTPException` as its status (code `http_<status>`).
 * `undefined` for anything else: a bug or a crash, the server's fault, never shown in detail.
 */
export function toStackError(error: unknown): StackError | undefined {
  if (StackError.isInstance(error)) return error;
  if (error instanceof z.ZodError) return toInvalidRequestError(error);
  if (error instanceof HTTPException) {
    return new StackError(error.status, `http_${error.status}`, error.message || 'HTTP error', {
      cause: error,
    });
  }
  return undefined;
}
