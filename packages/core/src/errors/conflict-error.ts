import { StackError } from './stack-error.js';

/** 409: the request conflicts with stored state (an id already taken, a job already finished). */
export class ConflictError extends StackError {
  constructor(message: string, options: { field?: string } = {}) {
    super(409, 'conflict', message, options);
    this.name = 'ConflictError';
  }
}
