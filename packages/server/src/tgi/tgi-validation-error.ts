import { StackError } from '@llama-stack-ts/core';

/** A 422 in TGI's words: `Input validation error: \`temperature\` must be strictly positive`. */
export function tgiValidationError(field: string, reason: string): StackError {
  const subject = field ? `\`${field}\` ` : '';
  return new StackError(400, 'invalid_request', `${subject}${reason}`, { field: field || undefined });
}
