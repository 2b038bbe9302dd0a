import type { ChatCompletionRequest, JsonObject, ToolCall } from '@llama-stack-ts/core';

/**
 * The JSON schema a call must match when `tool_choice` forces one (a named tool, or 'required'):
 * TGI's grammar then makes the model write `{"name": ..., "parameters": {...}}` and nothing else.
 * `undefined` when the model may answer in text.
 */
export function forcedToolCallSchema(request: ChatCompletionRequest): JsonObject | undefined {
  const choice = request.tool_choice;
  if (choice === 'auto' || choice === 'none' || request.available_tools.length === 0) return undefined;
  const tools =
    typeof choice === 'object'
      ? request.available_tools.filter((tool) => tool.tool_name === choice.tool_name)
      : request.available_tools;
  const [only] = tools;
  const parameters = tools.length === 1 && only?.parameters ? only.parameters : { type: 'object' };
  return {
    type: 'object',
    properties: { name: { type: 'string', enum: tools.map((tool) => tool.tool_name) }, parameters },
    required: ['name', 'parameters'],
  };
}

/** The tool call `text` holds, when it is the JSON call form naming an offered tool; else `undefined`. */
export function parseToolCall(text: string, request: ChatCompletionRequest): ToolCall | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, parameters } = value as { name?: unknown; parameters?: unknown };
  if (typeof name !== 'string' || !request.available_tools.some((tool) => tool.tool_name === name)) {
    return undefined;
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return undefined;
  return { tool_name: name, arguments: parameters as JsonObject };
}
