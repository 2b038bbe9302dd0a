/**
 * The `fetch` the helpers call. Injectable so a caller can add a proxy, retries or tracing; the
 * default is the runtime's global `fetch`.
 */
export type FetchFunction = typeof globalThis.fetch;
