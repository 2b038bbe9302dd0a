import { loadApiKey } from '@llama-stack-ts/provider-utils';
import type { AgentsReferenceConfig } from '../agents-reference-config.js';
import { fetchToolJson } from './fetch-tool-json.js';
import { stringArgument, type ToolExecutor } from './tool-executor.js';

const defaultEndpoints = {
  brave: 'https://api.search.brave.com/res/v1/web/search',
  tavily: 'https://api.tavily.com/search',
} as const;

interface SearchResult {
  title: string;
  url: string;
  content: string;
}

/**
 * `web_search` through the Brave Search API (key: `tools.web_search.api_key` or BRAVE_SEARCH_API_KEY)
 * or Tavily (TAVILY_SEARCH_API_KEY). Answers the top results as JSON text the model can read.
 */
export function createWebSearchTool(
  config: AgentsReferenceConfig['tools']['web_search'],
  environment: Record<string, string | undefined> = process.env,
): ToolExecutor {
  return async function runWebSearchTool(call, { signal }) {
    const query = stringArgument(call, ['query']);
    const endpoint = config.endpoint ?? defaultEndpoints[config.engine];
    const results =
      config.engine === 'brave'
        ? await searchBrave(query, endpoint, config, environment, signal)
        : await searchTavily(query, endpoint, config, environment, signal);
    return JSON.stringify({ query, top_k: results.slice(0, config.max_results) });
  };
}

async function searchBrave(
  query: string,
  endpoint: string,
  config: AgentsReferenceConfig['tools']['web_search'],
  environment: Record<string, string | undefined>,
  signal: AbortSignal | undefined,
): Promise<SearchResult[]> {
  const apiKey = loadApiKey({
    apiKey: config.api_key,
    environmentVariableName: 'BRAVE_SEARCH_API_KEY',
    description: 'Brave Search',
    optionName: 'tools.web_search.api_key',
    environment,
  });
  const url = new URL(endpoint);
  url.searchParams.set('q', query);
  url.searchParams.set('count', String(config.max_results));
  const body = (await fetchToolJson('web_search', url.toString(), {
    headers: { accept: 'application/json', 'x-subscription-token': apiKey },
    signal,
    timeoutMs: 30_000,
  })) as { web?: { results?: { title?: string; url?: string; description?: string }[] } };
  return (body.web?.results ?? []).map((result) => ({
    title: result.title ?? '',
    url: result.url ?? '',
    content: result.description ?? '',
  }));
}

async function searchTavily(
  query: string,
  endpoint: string,
  config: AgentsReferenceConfig['tools']['web_search'],
  environment: Record<string, string | undefined>,
  signal: AbortSignal | undefined,
): Promise<SearchResult[]> {
  const apiKey = loadApiKey({
    apiKey: config.api_key,
    environmentVariableName: 'TAVILY_SEARCH_API_KEY',
    description: 'Tavily',
    optionName: 'tools.web_search.api_key',
    environment,
  });
  const body = (await fetchToolJson('web_search', endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, max_results: config.max_results }),
    signal,
    timeoutMs: 30_000,
  })) as { results?: { title?: string; url?: string; content?: string }[] };
  return (body.results ?? []).map((result) => ({
    title: result.title ?? '',
    url: result.url ?? '',
    content: result.content ?? '',
  }));
}
