import { Message, ToolDefinition } from '@llama-stack-ts/core';
import { Llama3_1ChatWrapper, LlamaText } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { convertToLlamaCppChat } from './convert-to-llama-cpp-chat.js';
import {
  llama31BuiltinSystemText,
  llama31BuiltinTools,
  parseLlama31BuiltinCall,
  renderLlama31BuiltinCall,
} from './llama31-builtin-tools.js';

const tools = ['web_search', 'math', 'code_interpreter', 'image_gen', 'get_weather'].map((tool_name) =>
  ToolDefinition.parse({ tool_name }),
);

describe('Llama 3.1 builtin tools', () => {
  it('keeps the tools Llama 3.1 knows as builtins and names them in the system text', () => {
    const builtins = llama31BuiltinTools(tools);
    expect(builtins.map((tool) => tool.tool_name)).toEqual(['web_search', 'math', 'code_interpreter']);
    expect(llama31BuiltinSystemText(builtins)).toBe(
      'Environment: ipython\nTools: brave_search, wolfram_alpha',
    );
    expect(
      llama31BuiltinSystemText(
        llama31BuiltinTools([ToolDefinition.parse({ tool_name: 'code_interpreter' })]),
      ),
    ).toBe('Environment: ipython');
  });

  it('parses builtin calls into our tool names and Python keyword arguments', () => {
    expect(
      parseLlama31BuiltinCall('brave_search.call(query="weather in Paris, today")<|eom_id|>', tools),
    ).toEqual({
      tool_name: 'web_search',
      arguments: { query: 'weather in Paris, today' },
    });
    expect(parseLlama31BuiltinCall("wolfram_alpha.call(query='2+2', precise=True, n=3)", tools)).toEqual({
      tool_name: 'math',
      arguments: { query: '2+2', precise: true, n: 3 },
    });
    expect(parseLlama31BuiltinCall('print(1 + 1)', tools)).toEqual({
      tool_name: 'code_interpreter',
      arguments: { code: 'print(1 + 1)' },
    });
    expect(parseLlama31BuiltinCall('brave_search.call(query="x")', llama31BuiltinTools([]))).toBeUndefined();
  });

  it('renders a builtin call and its result in the Llama 3.1 prompt format', () => {
    const history = convertToLlamaCppChat(
      [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ tool_name: 'web_search', arguments: { query: 'weather' } }],
        },
        { role: 'tool', content: 'sunny' },
      ].map((message) => Message.parse(message)),
      { renderRawCall: renderLlama31BuiltinCall },
    );
    const wrapper = new Llama3_1ChatWrapper({ cuttingKnowledgeDate: null, todayDate: null });
    // node-llama-cpp writes a tool result as JSON, so a text result appears quoted.
    const prompt = LlamaText(wrapper.generateContextState({ chatHistory: history }).contextText).toString();
    expect(prompt).toContain(
      '<|start_header_id|>assistant<|end_header_id|>\n\n<|python_tag|>brave_search.call(query="weather")<|eom_id|>\n<|start_header_id|>ipython<|end_header_id|>\n\n"sunny"',
    );
  });
});
