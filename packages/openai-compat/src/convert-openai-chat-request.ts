import {
  ChatCompletionRequest,
  type ChatCompletionRequestInput,
  type JsonObject,
  type MessageInput,
  parseRequest,
  type ResponseFormat,
  type ToolCall,
  type ToolChoice,
} from '@llama-stack-ts/core';
import { withOpenAiParams } from './core-field-to-param.js';
import { invalidParam } from './invalid-param.js';
import type {
  ChatCompletionCreateRequest,
  ChatMessage,
  ChatResponseFormat,
  ChatToolChoice,
} from './openai-chat-schemas.js';
import { stopList } from './openai-common-schemas.js';
import { toStackContent } from './openai-content.js';
import { toSamplingParams } from './openai-sampling.js';

/**
 * An OpenAI chat request as the stack's `ChatCompletionRequest` for choice `choiceIndex` (the seed
 * differs per choice). The result is parsed with the stack's own schema, so it reaches the provider
 * with every default filled; a value the stack rejects is a 400 naming the OpenAI field.
 */
export function toChatCompletionRequest(
  request: ChatCompletionCreateRequest,
  model: string,
  choiceIndex = 0,
): ChatCompletionRequest {
  const tools = request.tools ?? [];
  const toolChoice = toToolChoice(request.tool_choice, tools.length > 0);
  const input: ChatCompletionRequestInput = {
    model,
    messages: toStackMessages(request.messages),
    sampling_params: toSamplingParams(request, choiceIndex),
    available_tools: tools.map((tool) => ({
      tool_name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      ...(tool.function.parameters ? { parameters: tool.function.parameters } : {}),
    })),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? 0,
    logprobs: request.logprobs ? { top_k: Math.max(1, request.top_logprobs ?? 0) } : false,
    ...optional('response_format', toResponseFormat(request.response_format)),
    ...optional('stop', stopList(request.stop)),
  };
  return withOpenAiParams(() => parseRequest(ChatCompletionRequest, input));
}

function optional<Key extends string, Value>(
  key: Key,
  value: Value | undefined,
): Partial<Record<Key, Value>> {
  return value === undefined ? {} : ({ [key]: value } as Record<Key, Value>);
}

/**
 * OpenAI messages as the stack's. Tool results name the tool by `tool_call_id`; the stack's
 * `ToolResponse` names it by tool name, found among the calls of earlier assistant messages.
 */
export function toStackMessages(messages: readonly ChatMessage[]): MessageInput[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index): MessageInput => {
    const param = `messages[${index}].content`;
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: toStackContent(message.content, param) };
      case 'user':
        return { role: 'user', content: toStackContent(message.content, param) };
      case 'assistant': {
        const toolCalls = (message.tool_calls ?? []).map((call, callIndex): ToolCall => {
          toolNames.set(call.id, call.function.name);
          return {
            tool_name: call.function.name,
            arguments: parseArguments(
              call.function.arguments,
              `messages[${index}].tool_calls[${callIndex}].function.arguments`,
            ),
          };
        });
        return { role: 'assistant', content: toStackContent(message.content, param), tool_calls: toolCalls };
      }
      case 'tool': {
        const content = toStackContent(message.content, param);
        const toolName = toolNames.get(message.tool_call_id) ?? 'unknown_tool';
        return { role: 'tool', content, tool_responses: [{ tool_name: toolName, content }] };
      }
      default: {
        // The deprecated `function` role: a function's result, named by the function.
        const content = message.content ?? '';
        return { role: 'tool', content, tool_responses: [{ tool_name: message.name, content }] };
      }
    }
  });
}

function parseArguments(text: string, param: string): JsonObject {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw invalidParam(param, 'must be a JSON object encoded as a string');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParam(param, 'must be a JSON object encoded as a string');
  }
  return value as JsonObject;
}

function toToolChoice(choice: ChatToolChoice | null | undefined, hasTools: boolean): ToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  if (!hasTools) {
    if (choice === 'none' || choice === 'auto') return undefined;
    throw invalidParam('tool_choice', "is only allowed when 'tools' are specified");
  }
  return typeof choice === 'string' ? choice : { tool_name: choice.function.name };
}

/** OpenAI's `response_format` (and TGI's grammar forms) as the stack's constrained decoding. */
export function toResponseFormat(format: ChatResponseFormat | null | undefined): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_schema', json_schema: { type: 'object' } };
  if (format.type === 'json_schema') {
    return { type: 'json_schema', json_schema: format.json_schema.schema ?? { type: 'object' } };
  }
  if (format.type === 'json') return { type: 'json_schema', json_schema: jsonSchemaValue(format.value) };
  throw invalidParam(
    'response_format',
    "type 'regex' is not supported on this route; use 'json_schema' (or TGI's /generate with a regex grammar)",
  );
}

/** TGI sends a grammar's JSON schema as an object or as a JSON string. */
function jsonSchemaValue(value: unknown): JsonObject {
  let schema = value;
  if (typeof schema === 'string') {
    try {
      schema = JSON.parse(schema);
    } catch {
      throw invalidParam(
        'response_format.value',
        'must be a JSON schema (an object, or a string holding one)',
      );
    }
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw invalidParam('response_format.value', 'must be a JSON schema (an object, or a string holding one)');
  }
  return schema as JsonObject;
}
