import type { Content, ToolCall } from '@llama-stack-ts/core';

/** Runs one tool call on the server; throws when the tool fails (the loop reports the error to the model). */
export type ToolExecutor = (call: ToolCall, options: { signal?: AbortSignal }) => Promise<Content>;

/** A failure of a tool the server runs; its message is what the model sees as the tool response. */
export class ToolExecutionError extends Error {
  constructor(toolName: string, reason: string, options: { cause?: unknown } = {}) {
    super(`${toolName} failed: ${reason}`, options);
    this.name = 'ToolExecutionError';
  }
}

/** The string argument `names[0]` (or the first of its aliases) of a call, or a ToolExecutionError naming it. */
export function stringArgument(call: ToolCall, names: readonly string[]): string {
  for (const name of names) {
    const value = call.arguments[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  throw new ToolExecutionError(
    call.tool_name,
    `the call needs a non-empty string argument '${names[0]}', got ${JSON.stringify(call.arguments)}`,
  );
}
