import { z } from 'zod';

const DiskPersistence = z.object({
  type: z.literal('disk'),
  directory: z
    .string()
    .min(1)
    .optional()
    .describe("Directory of the store, one JSON file per key. Default: '<provider data dir>/kv'."),
});

const RedisPersistence = z.object({
  type: z.literal('redis'),
  url: z
    .string()
    .min(1)
    .default('redis://127.0.0.1:6379')
    .describe("Redis URL. Default 'redis://127.0.0.1:6379'."),
  key_prefix: z
    .string()
    .optional()
    .describe("Put before every key. Default 'llama-stack-ts:<distribution>:<provider_id>:'."),
});

export const AgentsPersistenceConfig = z
  .discriminatedUnion('type', [DiskPersistence, RedisPersistence])
  .describe(
    "Where agents, sessions and turns are kept: 'disk' (default) or 'redis' (several server processes).",
  );
export type AgentsPersistenceConfig = z.infer<typeof AgentsPersistenceConfig>;

const apiKey = (variable: string) =>
  z.string().min(1).optional().describe(`API key; when absent, read from ${variable}. Never logged.`);

export const AgentsReferenceConfig = z.object({
  persistence: AgentsPersistenceConfig.default({ type: 'disk' }),
  max_infer_iters: z
    .number()
    .int()
    .positive()
    .default(10)
    .describe('Most model inferences in one turn when the agent sets no `max_infer_iters`. Default 10.'),
  memory_max_chunks: z
    .number()
    .int()
    .positive()
    .default(5)
    .describe('Passages retrieved from each memory bank of an agent per turn. Default 5.'),
  tools: z
    .object({
      math: z
        .object({
          wolfram_alpha_api_key: apiKey('WOLFRAM_ALPHA_API_KEY'),
          wolfram_alpha_url: z
            .string()
            .default('https://api.wolframalpha.com/v2/query')
            .describe('Wolfram Alpha Full Results endpoint, used when a key is set.'),
        })
        .prefault({})
        .describe('`math`: Wolfram Alpha when a key is set, otherwise an exact local evaluator (mathjs).'),
      web_search: z
        .object({
          engine: z.enum(['brave', 'tavily']).default('brave').describe("'brave' (default) or 'tavily'."),
          api_key: apiKey('BRAVE_SEARCH_API_KEY (brave) or TAVILY_SEARCH_API_KEY (tavily)'),
          endpoint: z
            .string()
            .optional()
            .describe(
              "Default 'https://api.search.brave.com/res/v1/web/search' or 'https://api.tavily.com/search'.",
            ),
          max_results: z
            .number()
            .int()
            .positive()
            .default(3)
            .describe('Results returned to the model. Default 3.'),
        })
        .prefault({}),
      image_gen: z
        .object({
          endpoint: z
            .string()
            .default('https://api.openai.com/v1/images/generations')
            .describe('An OpenAI-compatible images endpoint.'),
          api_key: apiKey('IMAGE_GEN_API_KEY, then OPENAI_API_KEY'),
          model: z.string().default('dall-e-3').describe("Image model. Default 'dall-e-3'."),
          size: z.string().default('1024x1024').describe("Default '1024x1024'."),
        })
        .prefault({}),
      code_interpreter: z
        .object({
          isolation: z.enum(['namespaces', 'none']).default('namespaces'),
          time_limit_ms: z.number().int().positive().default(10_000),
        })
        .prefault({}),
      custom: z
        .record(
          z.string(),
          z.object({
            url: z
              .string()
              .url()
              .describe('POSTed the call arguments as JSON; answers with the tool response.'),
            headers: z
              .record(z.string(), z.string())
              .default({})
              .describe('Extra headers, e.g. an authorization header filled from an env placeholder.'),
            timeout_ms: z.number().int().positive().default(30_000),
          }),
        )
        .default({})
        .describe(
          'Custom tools the server runs, by tool name. A custom tool runs on the server only when the agent lists it in `executable_tools` and it has an endpoint here; otherwise its calls go back to the client.',
        ),
    })
    .prefault({})
    .describe(
      'The builtin tools (math, web_search, image_gen, code_interpreter) and server-run custom tools.',
    ),
});
export type AgentsReferenceConfig = z.infer<typeof AgentsReferenceConfig>;
export type AgentsReferenceConfigInput = z.input<typeof AgentsReferenceConfig>;

export function sampleAgentsReferenceConfig(_dataDir: string): Record<string, unknown> {
  return {
    persistence: { type: 'disk' },
    max_infer_iters: 10,
  };
}
