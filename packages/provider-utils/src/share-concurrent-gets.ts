import type { FetchFunction } from './fetch-function.js';

/** The answer of a shared GET, read whole, from which each caller gets its own `Response`. */
interface SharedAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  body: ArrayBuffer;
}

interface SharedGet {
  answer: Promise<SharedAnswer>;
  /** Callers still waiting; the request is aborted when the last one gives up. */
  waiting: number;
  controller: AbortController;
  /** Settled, or given up by every caller: a later GET starts a request of its own. */
  forget: () => void;
}

/**
 * A `fetch` under which concurrent GETs of one URL with the same headers make one request: probes
 * that several providers of one upstream send at once (the `/health` of a stack asks each
 * provider) reach the upstream once. Each caller receives its own copy of the answer (status,
 * headers, body read whole, so only for small answers) and handles it as if it had asked alone,
 * naming itself in its errors; its signal rejects its own call only, and the request is aborted
 * once no caller waits. Other methods, and a `Request` as input, go to `fetch` as they are.
 */
export function shareConcurrentGets(fetch: FetchFunction = globalThis.fetch): FetchFunction {
  const inFlight = new Map<string, SharedGet>();
  return (input, init) => {
    if ((init?.method ?? 'GET').toUpperCase() !== 'GET' || input instanceof Request) {
      return fetch(input, init);
    }
    if (init?.signal?.aborted) return Promise.reject(init.signal.reason);
    const url = String(input);
    const headers = [...new Headers(init?.headers)].sort(([a], [b]) => (a < b ? -1 : 1));
    const key = JSON.stringify([url, headers]);
    let shared = inFlight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const answer = fetch(url, { ...init, signal: controller.signal }).then(
        async (response): Promise<SharedAnswer> => ({
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          body: await response.arrayBuffer(),
        }),
      );
      const started: SharedGet = {
        answer,
        waiting: 0,
        controller,
        forget: () => {
          if (inFlight.get(key) === started) inFlight.delete(key);
        },
      };
      answer.then(started.forget, started.forget);
      inFlight.set(key, started);
      shared = started;
    }
    return join(shared, init?.signal ?? undefined);
  };
}

/** One caller's wait for `shared`: its own `Response`, or its own signal's reason. */
function join(shared: SharedGet, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    shared.waiting += 1;
    const leave = () => {
      shared.waiting -= 1;
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      leave();
      if (shared.waiting === 0) {
        shared.forget();
        shared.controller.abort(signal?.reason);
      }
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    shared.answer.then(
      (answer) => {
        if (signal?.aborted) return;
        leave();
        resolve(
          new Response(answer.status === 204 || answer.status === 304 ? null : answer.body.slice(0), {
            status: answer.status,
            statusText: answer.statusText,
            headers: answer.headers,
          }),
        );
      },
      (error: unknown) => {
        if (signal?.aborted) return;
        leave();
        reject(error);
      },
    );
  });
}
