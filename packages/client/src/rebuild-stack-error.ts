import {
  ApiNotServedError,
  ConflictError,
  DependencyUnavailableError,
  DisposedError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  NotImplementedError,
  OverloadedError,
  PayloadTooLargeError,
  StackError,
  UnauthorizedError,
} from '@llama-stack-ts/core';
import type { ErrorResponse } from '@llama-stack-ts/provider-utils';

/**
 * The fields of a server's error body (`ErrorResponse` of `@llama-stack-ts/provider-utils`) an
 * error is rebuilt from; a `request_id` is kept when there is one.
 */
export type ServerErrorFields = Omit<ErrorResponse['error'], 'request_id'> & { request_id?: string };

/** The status each code of core's errors is served with; an `event: error` carries no status. */
const statusOfCode: Record<string, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  api_not_served: 404,
  conflict: 409,
  payload_too_large: 413,
  overloaded: 429,
  internal_error: 500,
  not_implemented: 501,
  dependency_unavailable: 503,
  disposed: 503,
};

const requestIdKey = Symbol.for('llama-stack-ts.client.request-id');

/**
 * Rebuilds the server's error as the `StackError` subclass that raised it, so callers can
 * `instanceof NotFoundError` across the wire. The message is the server's, word for word; `field`
 * is kept; the request id is readable with `requestIdOf(error)`.
 */
export function rebuildStackError(
  body: ServerErrorFields,
  options: { status?: number; cause?: unknown; retryAfterSeconds?: number } = {},
): StackError {
  const status = options.status ?? statusOfCode[body.code] ?? 500;
  const error = construct(body, status);
  error.message = body.message;
  // A fallback class (a newer code mapped by status) still reports the server's code and status.
  if (error.code !== body.code) Object.defineProperty(error, 'code', { value: body.code });
  if (error.status !== status) Object.defineProperty(error, 'status', { value: status });
  // The server's `Retry-After` travels on, so a gateway passing a 429 on says when to try again.
  if (options.retryAfterSeconds !== undefined) {
    Object.defineProperty(error, 'retryAfterSeconds', { value: options.retryAfterSeconds });
  }
  if (options.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: options.cause, configurable: true, writable: true });
  }
  if (body.request_id !== undefined) {
    Object.defineProperty(error, requestIdKey, { value: body.request_id, enumerable: false });
  }
  return error;
}

/** The `X-Request-Id` the server gave a failed request; quote it when reporting a problem. */
export function requestIdOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<symbol, unknown>)[requestIdKey];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The error class of `code`, built from the server's `details` (the values its message was built
 * from); the message itself is then replaced by the server's.
 */
function construct({ code, message, field, details }: ServerErrorFields, status: number): StackError {
  const text = (key: string, fallback: string) => {
    const value = details?.[key];
    return value === undefined ? fallback : String(value);
  };
  switch (code) {
    case 'invalid_request':
      return invalidRequest(message, field);
    case 'not_found':
      return new NotFoundError(text('kind', 'resource'), text('id', ''));
    case 'api_not_served':
      return new ApiNotServedError(text('api', 'unknown'), text('distribution', 'unknown'));
    case 'conflict':
      return new ConflictError(message, field ? { field } : {});
    case 'payload_too_large':
      return new PayloadTooLargeError('The request', Number(details?.limit_bytes ?? Number.NaN));
    case 'overloaded':
      return new OverloadedError(message);
    case 'unauthorized':
      return new UnauthorizedError(message);
    case 'forbidden':
      return new ForbiddenError(message, field ? { field } : {});
    case 'not_implemented':
      return new NotImplementedError(text('provider', 'unknown'), text('operation', 'unknown'));
    case 'dependency_unavailable':
      return new DependencyUnavailableError(text('provider', 'unknown'), details?.url?.toString());
    case 'disposed':
      return new DisposedError('The stack');
  }
  // A code this client does not know (a newer server): fall back on the status.
  switch (status) {
    case 400:
      return invalidRequest(message, field);
    case 404:
      return new NotFoundError(text('kind', 'resource'), text('id', ''));
    case 429:
      return new OverloadedError(message);
    default:
      return new StackError(status, code, message, {
        ...(field ? { field } : {}),
        ...(details ? { details } : {}),
      });
  }
}

function invalidRequest(message: string, field: string | undefined): InvalidRequestError {
  const prefix = field ? `${field}: ` : '';
  return new InvalidRequestError(
    field ?? '',
    message.startsWith(prefix) ? message.slice(prefix.length) : message,
  );
}
