import type { Content } from '@llama-stack-ts/core';
import type { AgentsReferenceConfig } from '../agents-reference-config.js';
import { fetchToolJson } from './fetch-tool-json.js';
import type { ToolExecutor } from './tool-executor.js';

/**
 * A custom tool backed by an HTTP endpoint: POSTs `{ tool_name, arguments }` and answers with the
 * body's `content` when it is text or a list, else the whole JSON body as text.
 */
export function createHttpCustomTool(
  endpoint: AgentsReferenceConfig['tools']['custom'][string],
): ToolExecutor {
  return async function runHttpCustomTool(call, { signal }) {
    const body = await fetchToolJson(call.tool_name, endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...endpoint.headers },
      body: JSON.stringify({ tool_name: call.tool_name, arguments: call.arguments }),
      signal,
      timeoutMs: endpoint.timeout_ms,
    });
    const content = (body as { content?: unknown } | null)?.content;
    if (typeof content === 'string' || Array.isArray(content)) return content as Content;
    return JSON.stringify(body);
  };
}
