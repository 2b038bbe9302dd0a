import { StackError, toInvalidRequestError } from '@llama-stack-ts/core';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { z } from 'zod';

/** The body of every OpenAI-compatible error answer, and of an error event in a stream. */
export interface OpenAiErrorBody {
  error: {
    message: string;
    type: string;
    /** The request field at fault (`temperature`, `messages[1].content`), else null. */
    param: string | null;
    code: string | null;
  };
}

export interface MappedOpenAiError {
  status: number;
  body: OpenAiErrorBody;
  /** The server's or a provider's fault (logged), not the client's. */
  internal: boolean;
}

/** OpenAI's error `type` for a status. */
function typeOfStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500 && status !== 501) return 'server_error';
  return 'invalid_request_error';
}

function body(message: string, type: string, param: string | null, code: string | null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

/**
 * Maps anything thrown while serving an OpenAI route to OpenAI's error shape: a 400 names the
 * `param` at fault, an unknown model is a 404 `model_not_found`, a full queue a 429
 * `rate_limit_exceeded`. Anything that is not a `StackError` becomes a 500 whose message carries only
 * the request id, so no internal detail reaches the client.
 */
export function mapOpenAiError(error: unknown, requestId: string): MappedOpenAiError {
  if (error instanceof z.ZodError) error = toInvalidRequestError(error);
  if (StackError.isInstance(error)) {
    const { status } = error;
    if (error.code === 'not_found' && (error as StackError & { kind?: string }).kind === 'model') {
      return {
        status: 404,
        body: body(error.message, 'invalid_request_error', 'model', 'model_not_found'),
        internal: false,
      };
    }
    if (status === 429) {
      return {
        status,
        body: body(error.message, 'rate_limit_error', null, 'rate_limit_exceeded'),
        internal: false,
      };
    }
    const param = error.field && error.field !== '(root)' && error.field !== '(body)' ? error.field : null;
    const code = error.code === 'invalid_request' ? null : error.code;
    // A 501 is this provider lacking an operation: the request's limit, not a server fault.
    return {
      status,
      body: body(error.message, typeOfStatus(status), param, code),
      internal: status >= 500 && status !== 501,
    };
  }
  if (error instanceof HTTPException) {
    const { status } = error;
    return {
      status,
      body: body(error.message || 'HTTP error', typeOfStatus(status), null, null),
      internal: status >= 500,
    };
  }
  return {
    status: 500,
    body: body(
      `The server had an error while processing your request. The server log has the details under request id ${requestId}.`,
      'server_error',
      null,
      'internal_error',
    ),
    internal: true,
  };
}

/** The request's id (from the `requestId` middleware), or `unknown` when the app runs without it. */
export function requestIdOf(c: Context): string {
  return (c.get('requestId') as string | undefined) ?? 'unknown';
}

/** Maps and logs (server faults only, at `error`) a failure of an OpenAI route. */
export function reportOpenAiError(error: unknown, c: Context, logger: Logger): MappedOpenAiError {
  const requestId = requestIdOf(c);
  const mapped = mapOpenAiError(error, requestId);
  if (mapped.internal) {
    logger.error(
      { err: error, request_id: requestId, method: c.req.method, path: c.req.path },
      'request failed',
    );
  }
  return mapped;
}

/** The OpenAI sub-app's `onError`: every failure answered in OpenAI's shape. */
export function createOpenAiOnError(logger: Logger): ErrorHandler {
  return function openAiOnError(error, c) {
    const { status, body } = reportOpenAiError(error, c, logger);
    return c.json(body, status as ContentfulStatusCode);
  };
}
