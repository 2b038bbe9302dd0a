import { type Content, InvalidRequestError, type Message } from '@llama-stack-ts/core';
import type { ChatContentPart, ChatMessage } from '@llama-stack-ts/openai-compat';

/**
 * The stack's messages as OpenAI's, the way back of openai-compat's `toStackMessages`. The stack
 * names a tool result by tool name, OpenAI by call id: each assistant tool call gets an id, and a
 * tool response answers the latest call of its tool.
 */
export function toOpenAiMessages(messages: readonly Message[]): ChatMessage[] {
  const callIds = new Map<string, string>();
  return messages.flatMap((message, index): ChatMessage[] => {
    const content = toOpenAiContent(message.content, `messages[${index}].content`);
    switch (message.role) {
      case 'system':
      case 'user':
        return [{ role: message.role, content }];
      case 'assistant': {
        if (message.tool_calls.length === 0) return [{ role: 'assistant', content }];
        const toolCalls = message.tool_calls.map((call, callIndex) => {
          const id = `call_${index}_${callIndex}`;
          callIds.set(call.tool_name, id);
          return {
            id,
            type: 'function' as const,
            function: { name: call.tool_name, arguments: JSON.stringify(call.arguments) },
          };
        });
        return [{ role: 'assistant', content: content === '' ? null : content, tool_calls: toolCalls }];
      }
      default: {
        // A tool message: one OpenAI message per tool response it carries.
        const responses =
          message.tool_responses.length > 0
            ? message.tool_responses
            : [{ tool_name: 'unknown_tool', content: message.content }];
        return responses.map((response, responseIndex) => ({
          role: 'tool' as const,
          tool_call_id: callIds.get(response.tool_name) ?? `call_${index}_${responseIndex}`,
          content: toOpenAiContent(
            response.content,
            `messages[${index}].tool_responses[${responseIndex}].content`,
          ),
        }));
      }
    }
  });
}

/** Text stays a string; attachments become `image_url` parts (OpenAI takes http(s) and data: URLs). */
export function toOpenAiContent(content: Content, field: string): string | ChatContentPart[] {
  if (typeof content === 'string') return content;
  const items = Array.isArray(content) ? content : [content];
  if (items.every((item) => typeof item === 'string')) return items.join('');
  return items.map((item, index): ChatContentPart => {
    if (typeof item === 'string') return { type: 'text', text: item };
    if (!item.mime_type.startsWith('image/') || item.url.startsWith('file://')) {
      throw new InvalidRequestError(
        `${field}[${index}]`,
        'remote::openai sends only images at http(s) or data: URLs to its upstream',
      );
    }
    return { type: 'image_url', image_url: { url: item.url } };
  });
}

/** A prompt or an embedding input as text: the upstream's /v1/completions and /v1/embeddings take text only. */
export function contentAsText(content: Content, field: string): string {
  const text = toOpenAiContent(content, field);
  if (typeof text !== 'string') {
    throw new InvalidRequestError(field, 'remote::openai sends only text here (no attachments)');
  }
  return text;
}
