import { StackError } from './stack-error.js';

/** 501: the provider serving this API does not implement this operation. */
export class NotImplementedError extends StackError {
  constructor(providerType: string, operation: string) {
    super(501, 'not_implemented', `Provider '${providerType}' does not implement '${operation}'.`, {
      details: { provider: providerType, operation },
    });
    this.name = 'NotImplementedError';
  }
}
