import { StackError } from './stack-error.js';

/** 404: an id that names nothing known. `hint` tells the user how to make it known. */
export class NotFoundError extends StackError {
  readonly kind: string;
  readonly id: string;

  constructor(kind: string, id: string, hint?: string) {
    super(404, 'not_found', `Unknown ${kind} '${id}'.${hint ? ` ${hint}` : ''}`, { details: { kind, id } });
    this.name = 'NotFoundError';
    this.kind = kind;
    this.id = id;
  }
}
