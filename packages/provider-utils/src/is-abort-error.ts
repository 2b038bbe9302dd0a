/** Whether `error` is the rejection of an aborted fetch or read (AbortSignal.abort() or .timeout()). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
