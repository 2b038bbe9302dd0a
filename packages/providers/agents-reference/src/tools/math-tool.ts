import { loadApiKey } from '@llama-stack-ts/provider-utils';
import type { AgentsReferenceConfig } from '../agents-reference-config.js';
import { fetchToolJson } from './fetch-tool-json.js';
import { stringArgument, ToolExecutionError, type ToolExecutor } from './tool-executor.js';

/**
 * `math`: Wolfram Alpha when a key is configured (`tools.math.wolfram_alpha_api_key` or
 * WOLFRAM_ALPHA_API_KEY), otherwise the local exact evaluator. Reads `query` (or `expression`).
 */
export function createMathTool(
  config: AgentsReferenceConfig['tools']['math'],
  environment: Record<string, string | undefined> = process.env,
): ToolExecutor {
  return async function runMathTool(call, { signal }) {
    const query = stringArgument(call, ['query', 'expression']);
    const wolframKey = config.wolfram_alpha_api_key ?? environment.WOLFRAM_ALPHA_API_KEY;
    if (wolframKey) {
      const appId = loadApiKey({
        apiKey: wolframKey,
        environmentVariableName: 'WOLFRAM_ALPHA_API_KEY',
        description: 'Wolfram Alpha',
      });
      const url = new URL(config.wolfram_alpha_url);
      url.searchParams.set('input', query);
      url.searchParams.set('appid', appId);
      url.searchParams.set('format', 'plaintext');
      url.searchParams.set('output', 'json');
      const body = (await fetchToolJson('math', url.toString(), {
        signal,
        timeoutMs: 30_000,
      })) as WolframResponse;
      return wolframToText(body);
    }
    // mathjs takes about half a second to import: loaded on the first local evaluation, not at start-up.
    const { evaluateMath } = await import('./exact-math.js');
    try {
      return evaluateMath(query);
    } catch (error) {
      throw new ToolExecutionError(
        'math',
        `cannot evaluate ${JSON.stringify(query)}: ${(error as Error).message}`,
      );
    }
  };
}

interface WolframResponse {
  queryresult?: {
    success?: boolean;
    pods?: { title?: string; subpods?: { plaintext?: string }[] }[];
  };
}

function wolframToText(body: WolframResponse): string {
  const result = body.queryresult;
  if (!result?.success) throw new ToolExecutionError('math', 'Wolfram Alpha did not understand the query');
  const lines = (result.pods ?? []).flatMap((pod) =>
    (pod.subpods ?? [])
      .map((subpod) => subpod.plaintext)
      .filter((text): text is string => Boolean(text))
      .map((text) => `${pod.title ?? 'Result'}: ${text}`),
  );
  return lines.join('\n');
}
