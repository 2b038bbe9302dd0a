import type { Message, ToolCall } from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelResponse,
  LlamaTextJSON,
} from 'node-llama-cpp';

/**
 * Turns a Llama Stack conversation into node-llama-cpp's chat history, which its chat wrappers
 * render through the model's own template:
 * - `system` and `user` messages map one to one (their content as text).
 * - An `assistant` message becomes a model response: its text, then its `tool_calls` as function calls.
 * - A `tool` message fills in the result of the matching call of the latest model response (first
 *   unanswered call with the same tool name, else the first unanswered call), so the template renders
 *   each call next to its result. It reads `tool_responses` when present, else its `content` as the
 *   result of one call. A result with no call to attach to is rendered as a user message naming the tool.
 * - A call that never got a result shows `null` as its result.
 * - `renderRawCall` may give a call's exact text (Llama 3.1 builtin tools), used instead of the
 *   template's function-call syntax.
 */
export function convertToLlamaCppChat(
  messages: readonly Message[],
  options: { renderRawCall?: (call: ToolCall) => LlamaTextJSON | undefined } = {},
): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  let pendingCalls: ChatModelFunctionCall[] = [];
  const answered = new WeakSet<ChatModelFunctionCall>();

  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: contentToText(message.content) });
        break;
      case 'user':
        history.push({ type: 'user', text: contentToText(message.content) });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = [];
        const text = contentToText(message.content);
        if (text !== '') response.push(text);
        pendingCalls = message.tool_calls.map((call) => {
          const rawCall = options.renderRawCall?.(call);
          return {
            type: 'functionCall',
            name: call.tool_name,
            params: call.arguments,
            result: null,
            ...(rawCall ? { rawCall } : {}),
          };
        });
        response.push(...pendingCalls);
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const results =
          message.tool_responses.length > 0
            ? message.tool_responses.map((response) => ({
                toolName: response.tool_name,
                text: contentToText(response.content),
              }))
            : [{ toolName: undefined, text: contentToText(message.content) }];
        for (const result of results) {
          const call =
            pendingCalls.find(
              (candidate) => !answered.has(candidate) && candidate.name === result.toolName,
            ) ?? pendingCalls.find((candidate) => !answered.has(candidate));
          if (call) {
            call.result = result.text;
            answered.add(call);
          } else {
            history.push({
              type: 'user',
              text: `Result of tool ${result.toolName ?? '(unnamed)'}:\n${result.text}`,
            });
          }
        }
        break;
      }
    }
  }
  return history;
}
