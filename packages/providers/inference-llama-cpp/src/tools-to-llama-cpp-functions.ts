import type { ToolDefinition } from '@llama-stack-ts/core';
import type { ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import { toGbnfJsonSchema } from './to-gbnf-json-schema.js';

/** What a builtin tool looks like to the model when the request gives no description or parameters. */
export const builtinToolDefaults: Readonly<
  Record<string, { description: string; parameters: Record<string, unknown> }>
> = {
  web_search: {
    description: 'Search the web for current information. Returns the top results.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'The search query.' } },
    },
  },
  math: {
    description: 'Answer a math or science question with an exact computation engine (Wolfram Alpha).',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'The question or expression.' } },
    },
  },
  image_gen: {
    description: 'Generate an image from a text description.',
    parameters: {
      type: 'object',
      properties: { prompt: { type: 'string', description: 'What the image shows.' } },
    },
  },
  code_interpreter: {
    description: 'Run Python code and return what it prints.',
    parameters: {
      type: 'object',
      properties: { code: { type: 'string', description: 'The Python program.' } },
    },
  },
};

export interface LlamaCppTools {
  /** node-llama-cpp functions, by tool name: each tool's description and parameters grammar. */
  functions: ChatModelFunctions;
  /** JSON Schema keywords of tool parameters the grammar does not enforce, as `tool.path: keyword`. */
  ignored: string[];
}

/**
 * Turns `available_tools` into node-llama-cpp functions. The chat wrapper documents them to the
 * model in the template's own tool format (Llama 3.1's `<function=…>`, Functionary, …) and node-llama-cpp
 * constrains a call's arguments with a grammar built from `parameters`, so a call always parses as
 * JSON of the tool's schema. Builtin tools (`web_search`, `math`, `image_gen`, `code_interpreter`)
 * get a description and parameters when the request leaves them out.
 */
export function toolsToLlamaCppFunctions(tools: readonly ToolDefinition[]): LlamaCppTools {
  const functions: Record<string, { description?: string; params?: GbnfJsonSchema }> = {};
  const ignored: string[] = [];
  for (const tool of tools) {
    const { description, schema } = describeTool(tool, ignored);
    functions[tool.tool_name] = {
      ...(description ? { description } : {}),
      ...(schema ? { params: schema } : {}),
    };
  }
  return { functions, ignored };
}

/**
 * The JSON a forced tool call (`tool_choice` 'required' or a tool name) is generated as, under a
 * grammar: `{"tool_name": <one of the tools>, "arguments": <that tool's parameters>}`.
 */
export function forcedToolCallSchema(
  tools: readonly ToolDefinition[],
  only?: string,
): LlamaCppTools & { schema: GbnfJsonSchema } {
  const ignored: string[] = [];
  const branches: GbnfJsonSchema[] = tools
    .filter((tool) => only === undefined || tool.tool_name === only)
    .map((tool) => {
      const { schema } = describeTool(tool, ignored);
      return {
        type: 'object',
        properties: {
          tool_name: { const: tool.tool_name },
          arguments: schema ?? { type: 'object', properties: {}, additionalProperties: false },
        },
        additionalProperties: false,
      } as GbnfJsonSchema;
    });
  const schema: GbnfJsonSchema = branches.length === 1 && branches[0] ? branches[0] : { oneOf: branches };
  return { ...toolsToLlamaCppFunctions(tools), schema, ignored };
}

function describeTool(
  tool: ToolDefinition,
  ignored: string[],
): { description?: string; schema?: GbnfJsonSchema } {
  const builtin = builtinToolDefaults[tool.tool_name];
  const description = tool.description ?? builtin?.description;
  const parameters = tool.parameters ?? builtin?.parameters;
  if (!parameters) return description ? { description } : {};
  const converted = toGbnfJsonSchema(parameters);
  ignored.push(
    ...converted.ignored.map(
      (entry) => `${tool.tool_name}${entry.startsWith('(root)') ? entry.slice(6) : entry}`,
    ),
  );
  return { ...(description ? { description } : {}), schema: converted.schema };
}
