import { type OpenAiErrorResponse, openAiErrorBody, toOpenAiError } from '@llama-stack-ts/openai-compat';
import type { ErrorShape } from '../errors/error-shape.js';

/** The OpenAI routes' errors in OpenAI's shape (`toOpenAiError`), a closed client 499. */
export const openAiErrorShape: ErrorShape<OpenAiErrorResponse> = {
  map: toOpenAiError,
  clientClosed: () =>
    openAiErrorBody('The client closed the request.', 'invalid_request_error', null, 'client_closed_request'),
};
