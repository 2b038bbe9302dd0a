/** Why the engine aborted a running job's or part's `signal`. */
export type JobAbortKind =
  /** `JobQueue.cancel()`: the job ends `cancelled`. */
  | 'cancelled'
  /** Another part of the job failed for good, so the job fails and its other parts stop. */
  | 'part-failed'
  /** The worker is shutting down past its timeout: the job goes back to the queue for another worker. */
  | 'shutdown';

/**
 * The `reason` of an aborted `JobContext.signal`. Named `AbortError`, so code that recognises an
 * aborted fetch (`isAbortError`) recognises it too; `signal.throwIfAborted()` throws it.
 */
export class JobAbortError extends Error {
  readonly kind: JobAbortKind;

  constructor(kind: JobAbortKind, message: string) {
    super(message);
    this.name = 'AbortError';
    this.kind = kind;
  }

  static isInstance(error: unknown): error is JobAbortError {
    return error instanceof JobAbortError;
  }
}
