import { StackError } from './stack-error.js';

/** 401: the request lacks the bearer token the distribution requires. */
export class UnauthorizedError extends StackError {
  constructor(message = 'Missing or invalid bearer token: send `Authorization: Bearer <server.auth_key>`.') {
    super(401, 'unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}
