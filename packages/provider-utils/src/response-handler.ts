import type { EventSourceMessage } from 'eventsource-parser/stream';
import type { z } from 'zod';
import { ApiCallError } from './api-call-error.js';
import { InvalidResponseError } from './invalid-response-error.js';
import { parseJsonEventStream } from './parse-json-event-stream.js';
import { parseJson, validateTypes } from './validate-types.js';

export interface ResponseHandlerOptions {
  url: string;
  requestBodyValues: unknown;
  response: Response;
  signal?: AbortSignal;
}

export interface ResponseHandlerResult<T> {
  value: T;
  /** The parsed body before validation, for debugging (JSON handlers only). */
  rawValue?: unknown;
  responseHeaders: Record<string, string>;
}

/** Turns a response into a value: a success handler into the result, a failure handler into an Error. */
export type ResponseHandler<T> = (options: ResponseHandlerOptions) => Promise<ResponseHandlerResult<T>>;

export function extractResponseHeaders(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers.entries());
}

/**
 * Reads a JSON body and validates it with `schema`. An empty body reads as `null`, so routes that
 * answer with no content validate against `z.null()`.
 */
export function createJsonResponseHandler<Schema extends z.ZodType>(
  schema: Schema,
): ResponseHandler<z.output<Schema>> {
  return async function jsonResponseHandler({ response, url }) {
    const text = await response.text();
    const rawValue = text.trim() === '' ? null : parseJson(text, url);
    return {
      value: validateTypes({ value: rawValue, schema, url }),
      rawValue,
      responseHeaders: extractResponseHeaders(response),
    };
  };
}

/** Reads a Server-Sent Events body as an async iterable of chunks validated with `chunkSchema`. */
export function createEventSourceResponseHandler<Schema extends z.ZodType>(
  chunkSchema: Schema,
  options: { onErrorEvent?: (event: EventSourceMessage) => Error } = {},
): ResponseHandler<AsyncIterable<z.output<Schema>>> {
  return async function eventSourceResponseHandler({ response, url, signal }) {
    if (response.body === null) {
      throw new InvalidResponseError({ url, reason: 'the event stream has no body' });
    }
    return {
      value: parseJsonEventStream({
        stream: response.body,
        schema: chunkSchema,
        url,
        ...(signal ? { signal } : {}),
        ...(options.onErrorEvent ? { onErrorEvent: options.onErrorEvent } : {}),
      }),
      responseHeaders: extractResponseHeaders(response),
    };
  };
}

export interface JsonErrorResponseHandlerOptions<Schema extends z.ZodType> {
  /** The remote's error body; a body that does not match still becomes an `ApiCallError`. */
  errorSchema: Schema;
  /** The human part of the message, read from the parsed error body. */
  errorToMessage: (error: z.output<Schema>) => string;
  /** Overrides the retryability derived from the status. */
  isRetryable?: (response: Response, error?: z.output<Schema>) => boolean;
}

/**
 * Builds the failure handler for a 4xx/5xx response with a JSON error body: the result is an
 * `ApiCallError` carrying the url, the status and the body.
 */
export function createJsonErrorResponseHandler<Schema extends z.ZodType>({
  errorSchema,
  errorToMessage,
  isRetryable,
}: JsonErrorResponseHandlerOptions<Schema>): ResponseHandler<ApiCallError> {
  return async function jsonErrorResponseHandler({ response, url, requestBodyValues }) {
    const responseBody = await readBodyText(response);
    const responseHeaders = extractResponseHeaders(response);
    const prefix = `${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    let parsed: z.output<Schema> | undefined;
    if (responseBody.trim() !== '') {
      try {
        const result = errorSchema.safeParse(JSON.parse(responseBody));
        if (result.success) parsed = result.data;
      } catch {
        // Not JSON (a proxy's HTML page): the raw text goes into the message below.
      }
    }
    const detail = parsed !== undefined ? errorToMessage(parsed) : excerpt(responseBody);
    return {
      value: new ApiCallError({
        message: detail ? `${prefix}: ${detail}` : prefix,
        url,
        status: response.status,
        requestBodyValues,
        responseHeaders,
        responseBody,
        data: parsed,
        ...(isRetryable ? { isRetryable: isRetryable(response, parsed) } : {}),
      }),
      rawValue: parsed,
      responseHeaders,
    };
  };
}

/** Failure handler for remotes whose error bodies we do not parse: status, status text and body excerpt. */
export function createStatusCodeErrorResponseHandler(): ResponseHandler<ApiCallError> {
  return async function statusCodeErrorResponseHandler({ response, url, requestBodyValues }) {
    const responseBody = await readBodyText(response);
    const responseHeaders = extractResponseHeaders(response);
    const detail = excerpt(responseBody);
    return {
      value: new ApiCallError({
        message:
          `${url} answered ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`.trim(),
        url,
        status: response.status,
        requestBodyValues,
        responseHeaders,
        responseBody,
      }),
      responseHeaders,
    };
  };
}

async function readBodyText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    // The connection dropped while reading the error: the status alone still says what happened.
    return '';
  }
}

function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
}
