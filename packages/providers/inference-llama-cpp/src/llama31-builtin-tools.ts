import type { ToolCall, ToolDefinition } from '@llama-stack-ts/core';
import { type ChatWrapper, LlamaText, type LlamaTextJSON, SpecialTokensText } from 'node-llama-cpp';

/**
 * Llama 3.1's builtin tools, in Meta's prompt format: the system prompt starts with
 * `Environment: ipython` and `Tools: brave_search, wolfram_alpha`, and the model calls one as
 * `<|python_tag|>brave_search.call(query="…")<|eom_id|>`; `code_interpreter` is Python after
 * `<|python_tag|>`. Our builtin tool names map to Meta's: `web_search` -> `brave_search`,
 * `math` -> `wolfram_alpha`, `code_interpreter` -> `code_interpreter` (`image_gen` has no Llama 3.1
 * builtin and stays a JSON function).
 */
export const llama31BuiltinNames: Readonly<Record<string, string>> = {
  web_search: 'brave_search',
  math: 'wolfram_alpha',
  code_interpreter: 'code_interpreter',
};

const ourNameForLlama31: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(llama31BuiltinNames).map(([ours, theirs]) => [theirs, ours]),
);

export const pythonTag = '<|python_tag|>';
export const endOfMessage = '<|eom_id|>';

/** Whether node-llama-cpp renders this chat with its Llama 3.1 template (the one that knows builtin tools). */
export function isLlama31ChatWrapper(wrapper: ChatWrapper): boolean {
  return wrapper.wrapperName === 'Llama 3.1';
}

/** The offered tools that Llama 3.1 calls in its builtin syntax. */
export function llama31BuiltinTools(tools: readonly ToolDefinition[]): ToolDefinition[] {
  return tools.filter((tool) => tool.tool_name in llama31BuiltinNames);
}

/** The lines Meta's format puts first in the system prompt when builtin tools are on. */
export function llama31BuiltinSystemText(tools: readonly ToolDefinition[]): string {
  const named = tools
    .map((tool) => llama31BuiltinNames[tool.tool_name])
    .filter((name) => name && name !== 'code_interpreter');
  return named.length > 0 ? `Environment: ipython\nTools: ${named.join(', ')}` : 'Environment: ipython';
}

/** A builtin call as Llama 3.1 writes it, for the chat history (`rawCall` of a node-llama-cpp function call). */
export function renderLlama31BuiltinCall(call: ToolCall): LlamaTextJSON | undefined {
  const name = llama31BuiltinNames[call.tool_name];
  if (!name) return undefined;
  const body =
    name === 'code_interpreter'
      ? String(call.arguments.code ?? '')
      : `${name}.call(${Object.entries(call.arguments)
          .map(
            ([key, value]) =>
              `${key}=${JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value))}`,
          )
          .join(', ')})`;
  return LlamaText([new SpecialTokensText(pythonTag), body, new SpecialTokensText(endOfMessage)]).toJSON();
}

/**
 * Reads the text the model wrote after `<|python_tag|>` as a builtin call:
 * `brave_search.call(query="x")` -> `{ tool_name: 'web_search', arguments: { query: 'x' } }`, and
 * anything else as `code_interpreter` code when that tool is offered. Undefined when it is neither.
 */
export function parseLlama31BuiltinCall(
  text: string,
  offered: readonly ToolDefinition[],
): ToolCall | undefined {
  const offeredNames = new Set(offered.map((tool) => tool.tool_name));
  const body = text.replace(endOfMessage, '').trim();
  const match = /^([a-z_]+)\.call\(([\s\S]*)\)$/.exec(body);
  if (match?.[1]) {
    const ours = ourNameForLlama31[match[1]];
    if (ours && ours !== 'code_interpreter' && offeredNames.has(ours)) {
      return { tool_name: ours, arguments: parseCallArguments(match[2] ?? '') };
    }
  }
  if (offeredNames.has('code_interpreter') && body !== '')
    return { tool_name: 'code_interpreter', arguments: { code: body } };
  return undefined;
}

/** `query="a, b", limit=3` -> `{ query: 'a, b', limit: 3 }` (Python keyword arguments with literal values). */
function parseCallArguments(text: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const argument = /\s*([A-Za-z_]\w*)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^,]*)\s*(?:,|$)/gy;
  for (let match = argument.exec(text); match && match[0] !== ''; match = argument.exec(text)) {
    const [, key, raw = ''] = match;
    if (key) result[key] = parseLiteral(raw.trim());
  }
  return result;
}

function parseLiteral(raw: string): unknown {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw.slice(1, -1);
    }
  }
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/\\'/g, "'");
  if (raw === 'True') return true;
  if (raw === 'False') return false;
  if (raw === 'None') return null;
  const number = Number(raw);
  return raw !== '' && !Number.isNaN(number) ? number : raw;
}
