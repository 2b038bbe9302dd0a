import { StackError } from './stack-error.js';

/** 400: the request is malformed. The message names the field and what is wrong with it. */
export class InvalidRequestError extends StackError {
  constructor(field: string, reason: string, options: { cause?: unknown } = {}) {
    super(400, 'invalid_request', field ? `${field}: ${reason}` : reason, { field, cause: options.cause });
    this.name = 'InvalidRequestError';
  }
}
