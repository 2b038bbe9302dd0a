import { StackError } from '@llama-stack-ts/core';

/** The `StackError` that `promise` rejects with; any other outcome fails the test. */
export async function stackErrorOf(promise: Promise<unknown>): Promise<StackError> {
  try {
    await promise;
  } catch (error) {
    if (StackError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail with a StackError');
}
