import { StackError } from './stack-error.js';

/** 429: a queue is full. The client should retry later: after `retryAfterSeconds` (default 1). */
export class OverloadedError extends StackError {
  constructor(
    message = 'Model is overloaded',
    { retryAfterSeconds = 1 }: { retryAfterSeconds?: number } = {},
  ) {
    super(429, 'overloaded', message, { retryAfterSeconds });
    this.name = 'OverloadedError';
  }
}
