import { StackError } from '@llama-stack-ts/core';

/** A 400 `invalid_request_error` naming `param`, as OpenAI words it. */
export function invalidParam(param: string, reason: string): StackError {
  return new StackError(400, 'invalid_request', param ? `Invalid '${param}': ${reason}` : reason, {
    field: param || undefined,
  });
}
