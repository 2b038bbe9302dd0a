import { StackError, toInvalidRequestError } from '@llama-stack-ts/core';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';

/** The JSON body of every non-2xx answer of the llama-stack routes, and of a stream's `error` event. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe('Stable machine-readable code: `invalid_request`, `not_found`, `internal_error`...'),
      message: z.string().describe('What went wrong and how to fix it.'),
      field: z.string().optional().describe('The request field at fault, as a dotted path.'),
      details: z
        .record(z.string(), z.union([z.string(), z.number()]))
        .optional()
        .describe("The values the message is built from (a `not_found`'s `kind` and `id`...)."),
      request_id: z
        .string()
        .describe('The `X-Request-Id` of the request; quote it when reporting a problem.'),
    }),
  })
  .meta({ id: 'ErrorResponse', description: 'The body of an error answer.' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** A status and body to answer with, and whether the failure is ours (logged as an error). */
export interface MappedError {
  status: number;
  body: ErrorResponse;
  /** True when the failure is the server's or a provider's fault, not the client's. */
  internal: boolean;
}

/**
 * Maps anything thrown while serving a request to an answer. A `StackError` keeps its status, code
 * and message; a zod error becomes a 400 naming the field; anything else becomes a 500 whose message
 * carries only the request id, so a stack trace or an internal message never reaches the client.
 */
export function mapError(error: unknown, requestId: string): MappedError {
  if (StackError.isInstance(error)) {
    return {
      status: error.status,
      body: errorBody(error.code, error.message, requestId, error.field, error.details),
      internal: error.status >= 500,
    };
  }
  if (error instanceof z.ZodError) {
    const invalid = toInvalidRequestError(error);
    return {
      status: 400,
      body: errorBody(invalid.code, invalid.message, requestId, invalid.field),
      internal: false,
    };
  }
  if (error instanceof HTTPException) {
    return {
      status: error.status,
      body: errorBody(`http_${error.status}`, error.message || 'HTTP error', requestId),
      internal: error.status >= 500,
    };
  }
  return {
    status: 500,
    body: errorBody(
      'internal_error',
      `Internal server error. The server log has the details under request id ${requestId}.`,
      requestId,
    ),
    internal: true,
  };
}

function errorBody(
  code: string,
  message: string,
  requestId: string,
  field?: string,
  details?: Readonly<Record<string, string | number>>,
): ErrorResponse {
  return {
    error: {
      code,
      message,
      ...(field ? { field } : {}),
      ...(details ? { details } : {}),
      request_id: requestId,
    },
  };
}
