/** One operation as a route calls it. */
export type InferenceOperation = (request: unknown, options: { signal: AbortSignal }) => unknown;

/** `owner[name]` bound to `owner`, as a route calls it; `undefined` when `owner` has no such method. */
export function operationOf(owner: object, name: string): InferenceOperation | undefined {
  const method = (owner as Record<string, unknown>)[name];
  return typeof method === 'function'
    ? (request, options) => method.call(owner, request, options)
    : undefined;
}
