import { ToolDefinition } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { forcedToolCallSchema, toolsToLlamaCppFunctions } from './tools-to-llama-cpp-functions.js';

const tools = [
  ToolDefinition.parse({
    tool_name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', pattern: '^[A-Z]' } },
      required: ['city'],
    },
  }),
  ToolDefinition.parse({ tool_name: 'web_search' }),
  ToolDefinition.parse({ tool_name: 'ping' }),
];

describe('toolsToLlamaCppFunctions', () => {
  it('keeps description and parameters, and fills them in for builtin tools', () => {
    const { functions, ignored } = toolsToLlamaCppFunctions(tools);
    expect(functions).toEqual({
      get_weather: {
        description: 'Weather for a city',
        params: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false },
      },
      web_search: {
        description: expect.stringMatching(/search the web/i),
        params: {
          type: 'object',
          properties: { query: { type: 'string', description: 'The search query.' } },
          additionalProperties: false,
        },
      },
      ping: {},
    });
    expect(ignored).toEqual(['get_weather.city: pattern']);
  });
});

describe('forcedToolCallSchema', () => {
  it('offers every tool as {tool_name, arguments}', () => {
    const { schema } = forcedToolCallSchema(tools);
    expect(schema).toMatchObject({
      oneOf: [
        {
          properties: {
            tool_name: { const: 'get_weather' },
            arguments: { properties: { city: { type: 'string' } } },
          },
        },
        { properties: { tool_name: { const: 'web_search' } } },
        { properties: { tool_name: { const: 'ping' }, arguments: { type: 'object', properties: {} } } },
      ],
    });
  });

  it('narrows to one named tool', () => {
    expect(forcedToolCallSchema(tools, 'ping').schema).toEqual({
      type: 'object',
      properties: {
        tool_name: { const: 'ping' },
        arguments: { type: 'object', properties: {}, additionalProperties: false },
      },
      additionalProperties: false,
    });
  });
});
