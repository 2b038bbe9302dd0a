import type { AgenticSystemTurn, Message, ToolResponse } from '@llama-stack-ts/core';

/**
 * The conversation a list of turns stands for, as the model saw it: each turn's user messages, then
 * for every tool execution the assistant message that called the tools and one `tool` message per
 * response, then the turn's response message. A turn that ended with a call returned to the client
 * ends with that call; the next turn's user messages carry the client's tool responses.
 */
export function turnsToMessages(turns: readonly AgenticSystemTurn[]): Message[] {
  const messages: Message[] = [];
  for (const turn of turns) {
    messages.push(...turn.user_messages);
    let lastText = '';
    for (const step of turn.steps) {
      if (step.step_type === 'model_inference') lastText = step.text;
      if (step.step_type === 'tool_execution') {
        messages.push({
          role: 'assistant',
          content: lastText,
          tool_calls: step.tool_calls,
          tool_responses: [],
        });
        messages.push(...step.tool_responses.map(toolMessage));
        lastText = '';
      }
    }
    messages.push(turn.response_message);
  }
  return messages;
}

export function toolMessage(response: ToolResponse): Message {
  return { role: 'tool', content: response.content, tool_calls: [], tool_responses: [response] };
}
