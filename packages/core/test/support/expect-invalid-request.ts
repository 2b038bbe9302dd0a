import { expect } from 'vitest';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.js';

/** The `InvalidRequestError` that `run` throws; the test fails when `run` throws anything else or returns. */
export function expectInvalidRequest(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected an InvalidRequestError, but the input parsed');
}
