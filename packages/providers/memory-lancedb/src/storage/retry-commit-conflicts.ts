/** LanceDB's error for a commit another one on the same table preempted; trying again can succeed. */
export function isCommitConflict(error: unknown): boolean {
  return error instanceof Error && /commit conflict/i.test(error.message);
}

/**
 * Runs `run` (given its attempt number, from 1) until it settles without a commit conflict, at most
 * `attempts` times; the last conflict, like any other error, is thrown.
 */
export async function retryCommitConflicts<T>(
  attempts: number,
  run: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt >= attempts || !isCommitConflict(error)) throw error;
    }
  }
}
