import {
  type ChatCompletionRequest,
  type Content,
  InvalidRequestError,
  type Message,
} from '@llama-stack-ts/core';

/**
 * A chat as the raw prompt TGI's /generate reads, in Llama 3's instruct format (as Llama Stack's
 * own TGI adapter does): headers per role, `<|eot_id|>` after each turn, and the assistant's header
 * left open. Offered tools go into the system turn with the JSON call form the model answers in
 * (`{"name": ..., "parameters": {...}}`); a tool's result is an `ipython` turn.
 */
export function toLlama3ChatPrompt(request: ChatCompletionRequest): string {
  const tools = request.tool_choice === 'none' ? [] : request.available_tools;
  const messages: Message[] =
    tools.length === 0 ? request.messages : withToolInstructions(request.messages, tools);
  const turns = messages.map((message, index) => {
    const role = message.role === 'tool' ? 'ipython' : message.role;
    const body =
      message.role === 'assistant' && message.tool_calls.length > 0
        ? message.tool_calls
            .map((call) => JSON.stringify({ name: call.tool_name, parameters: call.arguments }))
            .join('\n')
        : textOf(message.content, `messages[${index}].content`);
    return `<|start_header_id|>${role}<|end_header_id|>\n\n${body}<|eot_id|>`;
  });
  return `<|begin_of_text|>${turns.join('')}<|start_header_id|>assistant<|end_header_id|>\n\n`;
}

function withToolInstructions(
  messages: readonly Message[],
  tools: ChatCompletionRequest['available_tools'],
): Message[] {
  const definitions = tools.map((tool) => ({
    name: tool.tool_name,
    description: tool.description ?? '',
    parameters: tool.parameters ?? { type: 'object', properties: {} },
  }));
  const instructions =
    'You can call these functions. To call one, answer only with JSON of the form ' +
    `{"name": <function name>, "parameters": <arguments object>}.\n${JSON.stringify(definitions)}`;
  const [first, ...rest] = messages;
  if (first?.role === 'system') {
    const system = textOf(first.content, 'messages[0].content');
    return [{ ...first, content: `${system}\n\n${instructions}` }, ...rest];
  }
  return [{ role: 'system', content: instructions, tool_calls: [], tool_responses: [] }, ...messages];
}

/** TGI's /generate reads text only. */
export function textOf(content: Content, field: string): string {
  if (typeof content === 'string') return content;
  const items = Array.isArray(content) ? content : [content];
  if (items.every((item) => typeof item === 'string')) return items.join('');
  throw new InvalidRequestError(field, "remote::tgi sends text only to TGI's /generate (no attachments)");
}
