import { StackError } from './stack-error.js';

/** 503: a call reached a provider or resource after it was disposed (the server is shutting down). */
export class DisposedError extends StackError {
  constructor(what: string) {
    super(503, 'disposed', `${what} has been disposed; the stack is shutting down.`);
    this.name = 'DisposedError';
  }
}
