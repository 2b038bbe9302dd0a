import { StackError } from './stack-error.js';

/** 429: a queue is full. The client should retry later. */
export class OverloadedError extends StackError {
  constructor(message = 'Model is overloaded') {
    super(429, 'overloaded', message);
    this.name = 'OverloadedError';
  }
}
