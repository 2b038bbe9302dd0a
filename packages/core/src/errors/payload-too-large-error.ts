import { StackError } from './stack-error.js';

/** 413: a body or document larger than the configured limit. */
export class PayloadTooLargeError extends StackError {
  readonly limitBytes: number;

  constructor(what: string, limitBytes: number, hint = 'raise the limit in the distribution manifest') {
    super(413, 'payload_too_large', `${what} exceeds the limit of ${limitBytes} bytes; ${hint}.`, {
      details: { limit_bytes: limitBytes },
    });
    this.name = 'PayloadTooLargeError';
    this.limitBytes = limitBytes;
  }
}
