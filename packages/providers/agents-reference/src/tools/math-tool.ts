import { loadApiKey } from '@llama-stack-ts/provider-utils';
import { all, create } from 'mathjs';
import type { AgentsReferenceConfig } from '../agents-reference-config.js';
import { fetchToolJson } from './fetch-tool-json.js';
import { stringArgument, ToolExecutionError, type ToolExecutor } from './tool-executor.js';

/**
 * mathjs with exact decimals (BigNumber, 64 digits) and the functions that could reach outside an
 * expression (import, createUnit, evaluate, parse, …) disabled, as mathjs's security notes advise.
 * No JavaScript `eval` is involved: mathjs parses its own expression language.
 */
// `all` is typed optional in mathjs's declarations but is always exported.
const math = create(all ?? {}, { number: 'BigNumber', precision: 64 });
const evaluateExpression = math.evaluate.bind(math);
const disabled = (name: string) => () => {
  throw new Error(`the function ${name} is disabled in the math tool`);
};
math.import(
  {
    import: disabled('import'),
    createUnit: disabled('createUnit'),
    evaluate: disabled('evaluate'),
    parse: disabled('parse'),
    simplify: disabled('simplify'),
    derivative: disabled('derivative'),
    resolve: disabled('resolve'),
    reviver: disabled('reviver'),
    compile: disabled('compile'),
  },
  { override: true },
);

/** The exact value of an expression, as mathjs formats it. */
export function evaluateMath(expression: string): string {
  const result: unknown = evaluateExpression(expression);
  if (typeof result === 'function') throw new Error('the expression defines a function; ask for a value');
  // Plain notation up to 64 digits: the model reads "1267650600228229401496703205376", not "1.27e+30".
  return math.format(result as never, { precision: 64, lowerExp: -12, upperExp: 64 });
}

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
