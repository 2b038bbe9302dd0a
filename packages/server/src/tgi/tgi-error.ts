import { StackError, toInvalidRequestError } from '@llama-stack-ts/core';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { z } from 'zod';
import { requestIdOf } from '../openai/openai-error.js';
import type { TgiErrorBody } from './tgi-schemas.js';

export interface MappedTgiError {
  status: number;
  body: TgiErrorBody;
  internal: boolean;
}

/** A 422 in TGI's words: `Input validation error: \`temperature\` must be strictly positive`. */
export function tgiValidationError(field: string, reason: string): StackError {
  const subject = field ? `\`${field}\` ` : '';
  return new StackError(400, 'invalid_request', `${subject}${reason}`, { field: field || undefined });
}

/**
 * Maps anything thrown while serving a TGI route to TGI's error shape `{ error, error_type }`:
 * bad input is 422 `validation`, a full queue 429 `overloaded`, a failure of the provider 424
 * `generation` (for a fault that is not a `StackError`, with no internal detail). A request this
 * provider cannot honour (`NotImplementedError`) is a validation error too: retrying will not help.
 */
export function mapTgiError(error: unknown, requestId: string): MappedTgiError {
  if (error instanceof z.ZodError) error = toInvalidRequestError(error);
  if (StackError.isInstance(error)) {
    if (error.status === 400 || error.status === 501) {
      return {
        status: 422,
        body: { error: `Input validation error: ${error.message}`, error_type: 'validation' },
        internal: false,
      };
    }
    if (error.status === 429)
      return { status: 429, body: { error: error.message, error_type: 'overloaded' }, internal: false };
    if (error.status >= 500) {
      return {
        status: 424,
        body: { error: `Request failed during generation: ${error.message}`, error_type: 'generation' },
        internal: true,
      };
    }
    return { status: error.status, body: { error: error.message, error_type: error.code }, internal: false };
  }
  if (error instanceof HTTPException) {
    return {
      status: error.status,
      body: { error: error.message || 'HTTP error', error_type: 'http' },
      internal: error.status >= 500,
    };
  }
  return {
    status: 424,
    body: {
      error: `Request failed during generation: an internal error. The server log has the details under request id ${requestId}.`,
      error_type: 'generation',
    },
    internal: true,
  };
}

/** Maps and logs (server faults only, at `error`) a failure of a TGI route. */
export function reportTgiError(error: unknown, c: Context, logger: Logger): MappedTgiError {
  const requestId = requestIdOf(c);
  const mapped = mapTgiError(error, requestId);
  if (mapped.internal) {
    logger.error(
      { err: error, request_id: requestId, method: c.req.method, path: c.req.path },
      'request failed',
    );
  }
  return mapped;
}

/** The TGI sub-app's `onError`. */
export function createTgiOnError(logger: Logger): ErrorHandler {
  return function tgiOnError(error, c) {
    const { status, body } = reportTgiError(error, c, logger);
    return c.json(body, status as ContentfulStatusCode);
  };
}
