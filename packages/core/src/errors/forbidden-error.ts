import { StackError } from './stack-error.js';

/** 403: the request asks for something the configuration does not allow (a file outside the allowed roots). */
export class ForbiddenError extends StackError {
  constructor(message: string, options: { field?: string } = {}) {
    super(403, 'forbidden', message, options);
    this.name = 'ForbiddenError';
  }
}
