import { ToolExecutionError } from './tool-executor.js';

/**
 * One HTTP call of a tool, answered as JSON. A failure becomes a `ToolExecutionError` naming the
 * tool, the status and the start of the body; request headers (which carry keys) never appear in it.
 */
export async function fetchToolJson(
  toolName: string,
  url: string,
  init: RequestInit & { timeoutMs?: number },
): Promise<unknown> {
  const signals = [init.signal, init.timeoutMs ? AbortSignal.timeout(init.timeoutMs) : undefined].filter(
    (signal): signal is AbortSignal => signal instanceof AbortSignal,
  );
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ToolExecutionError(toolName, `could not reach ${originOf(url)} (${(error as Error).message})`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ToolExecutionError(
      toolName,
      `${originOf(url)} answered ${response.status}: ${text.slice(0, 300)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ToolExecutionError(
      toolName,
      `${originOf(url)} answered with a body that is not JSON: ${text.slice(0, 200)}`,
      {
        cause: error,
      },
    );
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
