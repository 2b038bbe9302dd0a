import type { Message } from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';

/**
 * Everything a message says that a shield should see: its content, the arguments of the tools it
 * calls (code for code_interpreter lives there) and what tools answered.
 */
export function messageText(message: Message): string {
  const parts = [contentToText(message.content)];
  for (const call of message.tool_calls) {
    const code = call.arguments.code;
    parts.push(typeof code === 'string' ? code : JSON.stringify(call.arguments));
  }
  for (const response of message.tool_responses) parts.push(contentToText(response.content));
  return parts.filter((part) => part.length > 0).join('\n');
}
