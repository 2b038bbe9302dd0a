import type { RequestOptions } from '@llama-stack-ts/core';

/**
 * An operation that answers nothing until its signal aborts, then rejects with the signal's reason,
 * as a provider stopped mid-generation does. `calls` counts the calls, so a test knows when to abort.
 */
export function hangUntilAborted(): {
  operation: (request: unknown, options?: RequestOptions) => Promise<never>;
  calls: () => number;
} {
  let calls = 0;
  return {
    operation: (_request, options) => {
      calls += 1;
      return new Promise((_, reject) => {
        const signal = options?.signal;
        if (!signal) return;
        if (signal.aborted) reject(signal.reason);
        else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
    calls: () => calls,
  };
}
