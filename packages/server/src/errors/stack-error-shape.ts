import type { StackError } from '@llama-stack-ts/core';
import { z } from 'zod';
import type { ErrorShape, MappedError } from './error-shape.js';

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

/**
 * The stack's own error shape: the Llama Stack routes answer with it, and so does the app itself
 * (an unknown route, a missing token, a body over the limit). A `StackError` keeps its status, code,
 * message, field and details; anything else becomes a 500 whose message carries only the request
 * id, so a stack trace or an internal message never reaches the client.
 */
export const stackErrorShape: ErrorShape<ErrorResponse> = {
  map: mapError,
  clientClosed: (requestId) =>
    errorBody('client_closed_request', 'The client closed the request.', requestId),
};

function mapError(error: StackError | undefined, requestId: string): MappedError<ErrorResponse> {
  if (!error) {
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
  return {
    status: error.status,
    body: errorBody(error.code, error.message, requestId, error.field, error.details),
    internal: error.status >= 500,
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
