import type { StackError } from '@llama-stack-ts/core';
import { z } from 'zod';
import type { ErrorShape, MappedError } from '../errors/error-shape.js';

/** The body of every TGI error answer, and of an error event in a stream. */
export const TgiErrorResponse = z
  .object({
    error: z.string(),
    error_type: z.string().describe('`validation` (422), `overloaded` (429), `generation` (424)...'),
  })
  .meta({ id: 'TgiErrorResponse', description: "An error answer of the TGI routes, in TGI's shape." });
export type TgiErrorResponse = z.infer<typeof TgiErrorResponse>;

/**
 * TGI's error shape `{ error, error_type }`: bad input is 422 `validation`, a full queue 429
 * `overloaded`, a failure of the provider 424 `generation` (for a fault that is not a `StackError`,
 * with no internal detail). A request this provider cannot honour (`NotImplementedError`) is a
 * validation error too: retrying will not help.
 */
export const tgiErrorShape: ErrorShape<TgiErrorResponse> = {
  map: mapTgiError,
  clientClosed: () => ({ error: 'The client closed the request.', error_type: 'client_closed_request' }),
};

function mapTgiError(error: StackError | undefined, requestId: string): MappedError<TgiErrorResponse> {
  if (!error) {
    return {
      status: 424,
      body: {
        error: `Request failed during generation: an internal error. The server log has the details under request id ${requestId}.`,
        error_type: 'generation',
      },
      internal: true,
    };
  }
  if (error.status === 400 || error.status === 501) {
    return {
      status: 422,
      body: { error: `Input validation error: ${inTgiWords(error)}`, error_type: 'validation' },
      internal: false,
    };
  }
  if (error.status === 429) {
    return { status: 429, body: { error: error.message, error_type: 'overloaded' }, internal: false };
  }
  if (error.status >= 500) {
    return {
      status: 424,
      body: { error: `Request failed during generation: ${error.message}`, error_type: 'generation' },
      internal: true,
    };
  }
  return { status: error.status, body: { error: error.message, error_type: error.code }, internal: false };
}

/** The stack calls the prompt `content` (`content: is … characters`); a TGI request sends it as `inputs`. */
function inTgiWords(error: StackError): string {
  const prefix = 'content: ';
  return error.field === 'content' && error.message.startsWith(prefix)
    ? `\`inputs\`: ${error.message.slice(prefix.length)}`
    : error.message;
}
