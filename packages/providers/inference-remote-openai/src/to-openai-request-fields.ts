import {
  type ChatCompletionRequest,
  type CompletionRequest,
  InvalidRequestError,
  type ResponseFormat,
} from '@llama-stack-ts/core';
import {
  type ChatResponseFormat,
  type ChatTool,
  type ChatToolChoice,
  toOpenAiSamplingFields,
} from '@llama-stack-ts/openai-compat';
import { toOpenAiMessages } from './to-openai-messages.js';

type GenerationRequest = Pick<
  CompletionRequest,
  'sampling_params' | 'max_tokens' | 'logprobs' | 'response_format' | 'stop'
>;

/** The fields a chat and a completion body share: sampling, token budget, stop strings, JSON output. */
function generationFields(request: GenerationRequest): Record<string, unknown> {
  return {
    ...toOpenAiSamplingFields(request.sampling_params),
    ...(request.max_tokens > 0 ? { max_tokens: request.max_tokens } : {}),
    ...(request.stop ? { stop: request.stop } : {}),
    ...(request.response_format ? { response_format: toOpenAiResponseFormat(request.response_format) } : {}),
  };
}

/** The body of `POST /v1/chat/completions` for a stack chat request to upstream model `model`. */
export function toOpenAiChatBody(request: ChatCompletionRequest, model: string): Record<string, unknown> {
  const tools = request.available_tools.map(
    (tool): ChatTool => ({
      type: 'function',
      function: {
        name: tool.tool_name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: tool.parameters ?? { type: 'object', properties: {} },
      },
    }),
  );
  return {
    model,
    messages: toOpenAiMessages(request.messages),
    ...generationFields(request),
    ...(request.logprobs ? { logprobs: true, top_logprobs: request.logprobs.top_k } : {}),
    ...(tools.length > 0 ? { tools, tool_choice: toOpenAiToolChoice(request.tool_choice) } : {}),
  };
}

/** The body of `POST /v1/completions`; `prompt` is the request's content as text. */
export function toOpenAiCompletionBody(
  request: CompletionRequest,
  model: string,
  prompt: string,
): Record<string, unknown> {
  return {
    model,
    prompt,
    ...generationFields(request),
    ...(request.logprobs ? { logprobs: request.logprobs.top_k } : {}),
  };
}

function toOpenAiToolChoice(choice: ChatCompletionRequest['tool_choice']): ChatToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.tool_name } };
}

function toOpenAiResponseFormat(format: ResponseFormat): ChatResponseFormat {
  if (format.type === 'grammar') {
    throw new InvalidRequestError(
      'response_format',
      "remote::openai cannot send a GBNF grammar to an OpenAI-compatible upstream; use type 'json_schema'",
    );
  }
  return { type: 'json_schema', json_schema: { name: 'response', schema: format.json_schema } };
}
