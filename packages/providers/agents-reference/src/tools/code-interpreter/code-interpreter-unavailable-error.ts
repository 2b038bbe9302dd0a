import { StackError } from '@llama-stack-ts/core';

/**
 * 503: the code interpreter cannot build its sandbox on this machine (a tool or kernel feature is
 * missing) or has no interpreter that starts inside it. The message names what is missing and the fix.
 */
export class CodeInterpreterUnavailableError extends StackError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(503, 'code_interpreter_unavailable', message, options);
    this.name = 'CodeInterpreterUnavailableError';
  }
}
