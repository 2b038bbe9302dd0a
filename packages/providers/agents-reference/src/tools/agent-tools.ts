import type { AgenticSystemCreateRequest, Content } from '@llama-stack-ts/core';
import type { AgentsReferenceConfig } from '../agents-reference-config.js';
import { runCodeInterpreter } from './code-interpreter/index.js';
import { createHttpCustomTool } from './http-custom-tool.js';
import { createImageGenTool } from './image-gen-tool.js';
import { createMathTool } from './math-tool.js';
import { stringArgument, type ToolExecutor } from './tool-executor.js';
import { createWebSearchTool } from './web-search-tool.js';

/** The tools this provider can run, by name: the builtins and the configured HTTP custom tools. */
export function createToolExecutors(config: AgentsReferenceConfig['tools']): Map<string, ToolExecutor> {
  const executors = new Map<string, ToolExecutor>([
    ['math', createMathTool(config.math)],
    ['web_search', createWebSearchTool(config.web_search)],
    ['image_gen', createImageGenTool(config.image_gen)],
    ['code_interpreter', createCodeInterpreterTool(config.code_interpreter)],
  ]);
  for (const [name, endpoint] of Object.entries(config.custom))
    executors.set(name, createHttpCustomTool(endpoint));
  return executors;
}

/**
 * The executors of the tools an agent runs on the server: those in `executable_tools` that this
 * provider can run. Calls to any other tool end the turn and go back to the client.
 */
export function executableToolsOf(
  agent: Pick<AgenticSystemCreateRequest, 'executable_tools'>,
  executors: ReadonlyMap<string, ToolExecutor>,
): Map<string, ToolExecutor> {
  const chosen = new Map<string, ToolExecutor>();
  for (const name of agent.executable_tools) {
    const executor = executors.get(name);
    if (executor) chosen.set(name, executor);
  }
  return chosen;
}

function createCodeInterpreterTool(config: AgentsReferenceConfig['tools']['code_interpreter']): ToolExecutor {
  return async function runCodeInterpreterTool(call, { signal }) {
    const code = stringArgument(call, ['code']);
    const result = await runCodeInterpreter(
      { code },
      { isolation: config.isolation, timeLimitMs: config.time_limit_ms, signal },
    );
    const text = [
      result.stdout ? `[stdout]\n${result.stdout}` : '',
      result.stderr ? `[stderr]\n${result.stderr}` : '',
      result.timed_out ? '[timed out]' : '',
      `[exit code ${result.exit_code}]`,
    ]
      .filter(Boolean)
      .join('\n');
    const content: Content = result.attachments.length > 0 ? [text, ...result.attachments] : text;
    return content;
  };
}
