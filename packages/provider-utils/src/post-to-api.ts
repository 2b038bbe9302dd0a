import { DependencyUnavailableError, StackError, UpstreamTimeoutError } from '@llama-stack-ts/core';
import type { FetchFunction } from './fetch-function.js';
import { isAbortError } from './is-abort-error.js';
import type { ResponseHandler, ResponseHandlerResult } from './response-handler.js';
import { type RetryOptions, retryDelayMs } from './retry-delay.js';
import { timedBody } from './timed-body.js';
import { toGatewayError } from './to-gateway-error.js';

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
  /**
   * The most milliseconds until the remote answers (its status and headers); past it the call fails
   * with a 504 `UpstreamTimeoutError`. `fetch` does not expose the TCP connect on its own, so this
   * bounds connecting and the remote's wait before it answers. Default: none.
   */
  connectTimeoutMs?: number;
  /**
   * The most milliseconds the body may stall while the caller waits for its next bytes (a stream's
   * next chunk); past it the request is aborted and the read fails with a 504. Default: none.
   */
  readTimeoutMs?: number;
  /** Retry a 429 or 503 answer, honouring `Retry-After`. Default: no retries. */
  retry?: RetryOptions;
  /**
   * The call relays a request of our own client (a remote provider): failures are mapped as a
   * gateway answers them (`toGatewayError`): an upstream 4xx keeps its status and message, a 5xx,
   * an unreachable host or a dropped stream is a 502 naming `provider`. Default false: an
   * unreachable host is a 503 `DependencyUnavailableError` and a non-2xx answer an `ApiCallError`.
   */
  gateway?: boolean;
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
 * (503). A non-2xx status becomes whatever `failedResponseHandler` builds. With `retry`, a 429 or
 * 503 answer is sent again after its `Retry-After` (or a backoff); a 2xx answer is never sent
 * again, so a stream that began is not repeated. With `gateway`, failures are mapped for relaying.
 */
export async function callApi<Result>(
  options: ApiCallOptions<Result> & {
    method: string;
    body?: { content: NonNullable<RequestInit['body']>; values: unknown };
  },
): Promise<ResponseHandlerResult<Result>> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await callApiOnce(options);
    } catch (error) {
      const delayMs = options.retry ? retryDelayMs(error, attempt, options.retry) : undefined;
      if (delayMs === undefined) {
        throw options.gateway ? toGatewayError(error, upstreamName(options)) : error;
      }
      await sleep(delayMs, options.signal);
    }
  }
}

async function callApiOnce<Result>({
  url,
  method,
  headers = {},
  body,
  successfulResponseHandler,
  failedResponseHandler,
  signal,
  fetch = globalThis.fetch,
  provider,
  connectTimeoutMs,
  readTimeoutMs,
  gateway = false,
}: ApiCallOptions<Result> & {
  method: string;
  body?: { content: NonNullable<RequestInit['body']>; values: unknown };
}): Promise<ResponseHandlerResult<Result>> {
  const upstream = upstreamName({ url, provider });
  // Aborted by a timeout, with the 504 as its reason; the caller's signal aborts the request too.
  const timeout = new AbortController();
  const requestSignal = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
  const connectTimer =
    connectTimeoutMs === undefined
      ? undefined
      : setTimeout(
          () => timeout.abort(new UpstreamTimeoutError(upstream, 'connect', connectTimeoutMs)),
          connectTimeoutMs,
        );
  let fetched: Response;
  try {
    fetched = await fetch(url, {
      method,
      headers: withoutUndefined(headers),
      ...(body ? { body: body.content } : {}),
      signal: requestSignal,
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.signal.aborted) throw timeout.signal.reason;
    if (isAbortError(error) || StackError.isInstance(error) || gateway) throw error;
    // undici rejects with TypeError('fetch failed') whose cause says why (ECONNREFUSED, ENOTFOUND).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new DependencyUnavailableError(provider ?? hostOf(url), url, cause);
  } finally {
    clearTimeout(connectTimer);
  }

  const response =
    fetched.body === null || (readTimeoutMs === undefined && !gateway)
      ? fetched
      : new Response(
          timedBody(fetched.body, {
            ...(readTimeoutMs === undefined ? {} : { timeoutMs: readTimeoutMs }),
            onTimeout: () => {
              const error = new UpstreamTimeoutError(upstream, 'read', readTimeoutMs ?? 0);
              timeout.abort(error);
              return error;
            },
            mapError: (error) => (gateway ? toGatewayError(error, upstream) : error),
          }),
          { status: fetched.status, statusText: fetched.statusText, headers: fetched.headers },
        );
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

function upstreamName({ url, provider }: { url: string; provider?: string | undefined }): string {
  return provider ?? hostOf(url);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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
