import type { StackError } from '@llama-stack-ts/core';
import { z } from 'zod';
import type { ErrorShape, MappedError } from '../errors/error-shape.js';

/** The body of every OpenAI-compatible error answer, and of an error event in a stream. */
export const OpenAiErrorResponse = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string().describe('`invalid_request_error`, `rate_limit_error`, `server_error`...'),
      param: z
        .string()
        .nullable()
        .describe('The request field at fault (`temperature`, `messages[1].content`), else null.'),
      code: z.string().nullable().describe('`model_not_found`, `rate_limit_exceeded`..., else null.'),
    }),
  })
  .meta({
    id: 'OpenAiErrorResponse',
    description: "An error answer of the OpenAI routes, in OpenAI's shape.",
  });
export type OpenAiErrorResponse = z.infer<typeof OpenAiErrorResponse>;

/**
 * OpenAI's error shape: a 400 names the `param` at fault, an unknown model is a 404
 * `model_not_found`, a full queue a 429 `rate_limit_exceeded`. Anything that is not a `StackError`
 * becomes a 500 whose message carries only the request id, so no internal detail reaches the client.
 */
export const openAiErrorShape: ErrorShape<OpenAiErrorResponse> = {
  map: mapOpenAiError,
  clientClosed: () =>
    body('The client closed the request.', 'invalid_request_error', null, 'client_closed_request'),
};

/** OpenAI's error `type` for a status. */
function typeOfStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500 && status !== 501) return 'server_error';
  return 'invalid_request_error';
}

function body(message: string, type: string, param: string | null, code: string | null): OpenAiErrorResponse {
  return { error: { message, type, param, code } };
}

function mapOpenAiError(error: StackError | undefined, requestId: string): MappedError<OpenAiErrorResponse> {
  if (!error) {
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
