import { StackError } from '@llama-stack-ts/core';
import { invalidParam } from './invalid-param.js';

/** Where a field of the stack's request came from in the OpenAI request. */
const renamed: ReadonlyArray<readonly [string, string]> = [
  ['sampling_params.', ''],
  ['available_tools', 'tools'],
  ['tool_choice.tool_name', 'tool_choice'],
  ['content', 'prompt'],
  ['contents', 'input'],
  ['logprobs', 'logprobs'],
];

/**
 * Runs `parse` (the stack's own request schema) and, when it rejects the request, names the OpenAI
 * field at fault instead of the stack's: `sampling_params.temperature` becomes `temperature`,
 * `messages.2.content` becomes `messages[2].content`.
 */
export function withOpenAiParams<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!StackError.isInstance(error) || error.status !== 400 || !error.field) throw error;
    const param = toOpenAiParam(error.field);
    const reason = error.message.startsWith(`${error.field}: `)
      ? error.message.slice(error.field.length + 2)
      : error.message;
    throw invalidParam(param, reason);
  }
}

export function toOpenAiParam(field: string): string {
  let param = field;
  for (const [from, to] of renamed) {
    if (param === from || param.startsWith(from.endsWith('.') ? from : `${from}.`)) {
      param = to + param.slice(from.endsWith('.') ? from.length : from.length);
      break;
    }
  }
  return param.replace(/\.(\d+)(?=\.|$)/g, '[$1]').replace(/^\./, '');
}
