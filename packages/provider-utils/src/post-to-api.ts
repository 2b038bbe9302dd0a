import { DependencyUnavailableError, StackError } from '@llama-stack-ts/core';
import type { FetchFunction } from './fetch-function.js';
import { isAbortError } from './is-abort-error.js';
import type { ResponseHandler, ResponseHandlerResult } from './response-handler.js';

/** Header values left `undefined` are dropped, so optional headers can be written inline. */
export type RequestHeaders = Record<string, string | undefined>;

export interface ApiCallOptions<Result> {
  url: string;
  headers?: RequestHeaders;
  /** Turns a 2xx response into the result. */
  successfulResponseHandler: ResponseHandler<Result>;
  /** Turns a non-2xx response into the Error that is thrown. */
  failedResponseHandler: ResponseHandler<Error>;
  signal?: AbortSignal;
  fetch?: FetchFunction;
  /**
   * Who is calling, named when the host cannot be reached (`remote::tgi`). Default: the url's host.
   */
  provider?: string;
}

export interface PostToApiOptions<Result> extends ApiCallOptions<Result> {
  body: { content: NonNullable<RequestInit['body']>; values: unknown };
}

/** POSTs `body` as JSON. */
export function postJsonToApi<Result>(
  options: ApiCallOptions<Result> & { body: unknown },
): Promise<ResponseHandlerResult<Result>> {
  return postToApi({
    ...options,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: { content: JSON.stringify(options.body), values: options.body },
  });
}

export function postToApi<Result>(options: PostToApiOptions<Result>): Promise<ResponseHandlerResult<Result>> {
  return callApi({ ...options, method: 'POST', body: options.body });
}

export function getFromApi<Result>(options: ApiCallOptions<Result>): Promise<ResponseHandlerResult<Result>> {
  return callApi({ ...options, method: 'GET' });
}

/**
 * Sends one request and hands the response to the matching handler. An aborted call rejects with
 * the signal's reason, untouched. A host that cannot be reached becomes `DependencyUnavailableError`
 * (503). A non-2xx status becomes whatever `failedResponseHandler` builds.
 */
export async function callApi<Result>({
  url,
  method,
  headers = {},
  body,
  successfulResponseHandler,
  failedResponseHandler,
  signal,
  fetch = globalThis.fetch,
  provider,
}: ApiCallOptions<Result> & {
  method: string;
  body?: { content: NonNullable<RequestInit['body']>; values: unknown };
}): Promise<ResponseHandlerResult<Result>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: withoutUndefined(headers),
      ...(body ? { body: body.content } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (isAbortError(error) || StackError.isInstance(error)) throw error;
    // undici rejects with TypeError('fetch failed') whose cause says why (ECONNREFUSED, ENOTFOUND).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new DependencyUnavailableError(provider ?? hostOf(url), url, cause);
  }

  const handlerOptions = { url, requestBodyValues: body?.values, response, ...(signal ? { signal } : {}) };
  if (!response.ok) {
    const { value } = await failedResponseHandler(handlerOptions);
    throw value;
  }
  try {
    return await successfulResponseHandler(handlerOptions);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

function withoutUndefined(headers: RequestHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
