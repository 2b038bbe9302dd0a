import { StackError, toInvalidRequestError } from '@llama-stack-ts/core';
import { z } from 'zod';

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

/** A failure as OpenAI answers it: the status, the body, and whether it is the server's fault. */
export interface OpenAiError {
  status: number;
  body: OpenAiErrorResponse;
  /** True when the server or a provider failed, not the client (logged as an error). */
  internal: boolean;
}

export function openAiErrorBody(
  message: string,
  type: string,
  param: string | null,
  code: string | null,
): OpenAiErrorResponse {
  return { error: { message, type, param, code } };
}

/** OpenAI's error `type` for a status. */
function typeOfStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500 && status !== 501) return 'server_error';
  return 'invalid_request_error';
}

/**
 * OpenAI's error shape for a `StackError`: a 400 names the `param` at fault, an unknown model is a
 * 404 `model_not_found`, a full queue a 429 `rate_limit_exceeded`. `undefined` (anything that is
 * not a `StackError`) becomes a 500 whose message carries only `requestId`, so no internal detail
 * reaches the client.
 */
export function toOpenAiError(error: StackError | undefined, requestId: string): OpenAiError {
  if (!error) {
    return {
      status: 500,
      body: openAiErrorBody(
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
      body: openAiErrorBody(error.message, 'invalid_request_error', 'model', 'model_not_found'),
      internal: false,
    };
  }
  if (status === 429) {
    return {
      status,
      body: openAiErrorBody(error.message, 'rate_limit_error', null, 'rate_limit_exceeded'),
      internal: false,
    };
  }
  const param = error.field && error.field !== '(root)' && error.field !== '(body)' ? error.field : null;
  const code = error.code === 'invalid_request' ? null : error.code;
  // A 501 is this provider lacking an operation: the request's limit, not a server fault.
  return {
    status,
    body: openAiErrorBody(error.message, typeOfStatus(status), param, code),
    internal: status >= 500 && status !== 501,
  };
}

/**
 * What a thrown value means to an OpenAI client, for a caller without an HTTP framework (a batch
 * line): a `StackError` as it is, a zod error as the 400 naming its field, anything else a 500.
 */
export function openAiErrorOf(error: unknown, requestId: string): OpenAiError {
  if (StackError.isInstance(error)) return toOpenAiError(error, requestId);
  if (error instanceof z.ZodError) return toOpenAiError(toInvalidRequestError(error), requestId);
  return toOpenAiError(undefined, requestId);
}
