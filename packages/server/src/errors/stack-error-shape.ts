import type { StackError } from '@llama-stack-ts/core';
import type { ErrorResponse } from '@llama-stack-ts/provider-utils';
import type { ErrorShape, MappedError } from './error-shape.js';

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
