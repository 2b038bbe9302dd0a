import { createFixtureServer } from '@llama-stack-ts/provider-utils/test';
import { describe, expect, it } from 'vitest';
import { AgentsReferenceConfig } from '../agents-reference-config.js';
import { evaluateMath } from './exact-math.js';
import { createHttpCustomTool } from './http-custom-tool.js';
import { createImageGenTool } from './image-gen-tool.js';
import { createMathTool } from './math-tool.js';
import { createWebSearchTool } from './web-search-tool.js';

const tools = (input: Record<string, unknown>) => AgentsReferenceConfig.parse({ tools: input }).tools;
const secret = 'test-key-not-real';

describe('math', () => {
  it('computes exactly, without floating-point error', () => {
    expect(evaluateMath('0.1 + 0.2')).toBe('0.3');
    expect(evaluateMath('2 + 3 * 4')).toBe('14');
    expect(evaluateMath('2^100')).toBe('1267650600228229401496703205376');
    expect(evaluateMath('sqrt(16) / 3')).toMatch(/^1\.3333333333/);
  });

  it('refuses the functions that reach outside an expression', async () => {
    const math = createMathTool(tools({}).math, {});
    await expect(math({ tool_name: 'math', arguments: { query: 'import({x: 1})' } }, {})).rejects.toThrow(
      /disabled/,
    );
    await expect(math({ tool_name: 'math', arguments: { query: 'evaluate("1+1")' } }, {})).rejects.toThrow(
      /disabled/,
    );
    await expect(math({ tool_name: 'math', arguments: {} }, {})).rejects.toThrow(
      /needs a non-empty string argument 'query'/,
    );
  });

  it('asks Wolfram Alpha when a key is set, sending the key as appid only', async () => {
    await using server = await createFixtureServer({
      'GET /v2/query': {
        json: {
          queryresult: {
            success: true,
            pods: [
              { title: 'Input', subpods: [{ plaintext: 'integral x^2 dx' }] },
              { title: 'Indefinite integral', subpods: [{ plaintext: 'x^3/3 + constant' }] },
            ],
          },
        },
      },
    });
    const math = createMathTool(tools({ math: { wolfram_alpha_url: `${server.url}/v2/query` } }).math, {
      WOLFRAM_ALPHA_API_KEY: secret,
    });
    const answer = await math({ tool_name: 'math', arguments: { query: 'integrate x^2' } }, {});
    expect(answer).toBe('Input: integral x^2 dx\nIndefinite integral: x^3/3 + constant');
    expect(server.requests[0]?.query.get('input')).toBe('integrate x^2');
    expect(server.requests[0]?.query.get('appid')).toBe(secret);
  });
});

describe('web_search', () => {
  it('searches Brave with the key in X-Subscription-Token and answers the top results', async () => {
    await using server = await createFixtureServer({
      'GET /res/v1/web/search': {
        jsonFile: new URL('./__fixtures__/brave-web-search.json', import.meta.url),
      },
    });
    const search = createWebSearchTool(
      tools({ web_search: { endpoint: `${server.url}/res/v1/web/search`, max_results: 1 } }).web_search,
      { BRAVE_SEARCH_API_KEY: secret },
    );
    const answer = await search({ tool_name: 'web_search', arguments: { query: 'llama stack' } }, {});
    expect(JSON.parse(String(answer))).toEqual({
      query: 'llama stack',
      top_k: [
        {
          title: 'Llama Stack',
          url: 'https://github.com/meta-llama/llama-stack',
          content: 'Composable building blocks to build Llama apps.',
        },
      ],
    });
    expect(server.requests[0]?.headers['x-subscription-token']).toBe(secret);
    expect(server.requests[0]?.query.get('q')).toBe('llama stack');
  });

  it('searches Tavily with a bearer key', async () => {
    await using server = await createFixtureServer({
      'POST /search': { jsonFile: new URL('./__fixtures__/tavily-search.json', import.meta.url) },
    });
    const search = createWebSearchTool(
      tools({ web_search: { engine: 'tavily', endpoint: `${server.url}/search` } }).web_search,
      {
        TAVILY_SEARCH_API_KEY: secret,
      },
    );
    const answer = JSON.parse(
      String(await search({ tool_name: 'web_search', arguments: { query: 'llama stack' } }, {})),
    );
    expect(answer.top_k[0].url).toBe('https://github.com/meta-llama/llama-stack');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(server.requests[0]?.body).toEqual({ query: 'llama stack', max_results: 3 });
  });

  it('names the variable to set when no key is configured, and never echoes a key in errors', async () => {
    const search = createWebSearchTool(tools({}).web_search, {});
    await expect(search({ tool_name: 'web_search', arguments: { query: 'q' } }, {})).rejects.toThrow(
      /BRAVE_SEARCH_API_KEY/,
    );
    await using server = await createFixtureServer({
      'GET /s': { status: 401, json: { error: 'bad token' } },
    });
    const failing = createWebSearchTool(tools({ web_search: { endpoint: `${server.url}/s` } }).web_search, {
      BRAVE_SEARCH_API_KEY: secret,
    });
    const failure = await failing({ tool_name: 'web_search', arguments: { query: 'q' } }, {}).catch(
      (error: Error) => error,
    );
    expect(String(failure)).toMatch(/web_search failed: .* answered 401/);
    expect(String(failure)).not.toContain(secret);
  });
});

describe('image_gen', () => {
  it('posts to an OpenAI-compatible images endpoint and answers a data: URL attachment', async () => {
    await using server = await createFixtureServer({
      'POST /v1/images/generations': { json: { created: 1, data: [{ b64_json: 'iVBORw0KGgo=' }] } },
    });
    const imageGen = createImageGenTool(
      tools({ image_gen: { endpoint: `${server.url}/v1/images/generations` } }).image_gen,
      {
        OPENAI_API_KEY: secret,
      },
    );
    const answer = await imageGen({ tool_name: 'image_gen', arguments: { prompt: 'a llama' } }, {});
    expect(answer).toEqual([{ url: 'data:image/png;base64,iVBORw0KGgo=', mime_type: 'image/png' }]);
    expect(server.requests[0]?.body).toMatchObject({
      prompt: 'a llama',
      model: 'dall-e-3',
      response_format: 'b64_json',
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
  });
});

describe('HTTP custom tools', () => {
  it('post the call to the configured endpoint and answer its content', async () => {
    await using server = await createFixtureServer({
      'POST /tools/weather': (request) => ({
        json: { content: `sunny in ${(request.body as { arguments: { city: string } }).arguments.city}` },
      }),
    });
    const weather = createHttpCustomTool(
      tools({
        custom: {
          get_weather: { url: `${server.url}/tools/weather`, headers: { authorization: 'Bearer x' } },
        },
      }).custom.get_weather ?? { url: '', headers: {}, timeout_ms: 1 },
    );
    expect(await weather({ tool_name: 'get_weather', arguments: { city: 'Lisbon' } }, {})).toBe(
      'sunny in Lisbon',
    );
    expect(server.requests[0]?.headers.authorization).toBe('Bearer x');
  });
});
