import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from '@llama-stack-ts/core';

const attempts = 5;
const firstDelayMs = 1_000;
const maxDelayMs = 30_000;

/**
 * Runs `call`, trying again while it fails with a 429 (the provider's queue is full: other clients
 * share it) or a 503 (the model is still downloading or loading), after the `Retry-After` the
 * error carries, else with exponential backoff; after `attempts` tries the last failure is thrown.
 * A line fails for good only once the stack has had time to recover.
 */
export async function retryTransient<Result>(
  call: () => Promise<Result>,
  signal: AbortSignal,
): Promise<Result> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const transient = StackError.isInstance(error) && (error.status === 429 || error.status === 503);
      if (!transient || attempt >= attempts || signal.aborted) throw error;
      const delayMs = Math.min(
        maxDelayMs,
        error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1_000
          : firstDelayMs * 2 ** (attempt - 1),
      );
      await sleep(delayMs, undefined, { signal });
    }
  }
}
