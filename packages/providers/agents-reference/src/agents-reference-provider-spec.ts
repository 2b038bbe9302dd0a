import { join } from 'node:path';
import { defineProviderSpec, type ProviderInstance } from '@llama-stack-ts/core';
import { AgentsReferenceConfig, sampleAgentsReferenceConfig } from './agents-reference-config.js';
import type { ReferenceAgenticSystem } from './reference-agentic-system.js';
import type { KeyValueStore } from './store/key-value-store.js';

/** `inline::reference`: the agent loop in this process, with its tools and its persistence. */
export const agentsReferenceProviderSpec = defineProviderSpec<AgentsReferenceConfig, ReferenceAgenticSystem>({
  specVersion: 'v1',
  api: 'agentic_system',
  providerType: 'inline::reference',
  description:
    'The reference agent loop: input shields, memory retrieval, inference with tools (math, web_search, image_gen, ' +
    'code_interpreter, HTTP custom tools), output shields; server-side sessions; agents and turns on disk or in Redis.',
  configSchema: AgentsReferenceConfig,
  sampleConfig: sampleAgentsReferenceConfig,
  apiDependencies: ['inference'],
  optionalApiDependencies: ['memory_banks', 'safety'],
  async create(config, context): Promise<ProviderInstance<ReferenceAgenticSystem>> {
    const parsed = AgentsReferenceConfig.parse(config);
    const inference = context.deps.inference;
    if (!inference || typeof inference.streamChatCompletion !== 'function') {
      throw new Error(
        'inline::reference needs the inference API: configure an inference provider (providers.inference in distribution.yaml).',
      );
    }
    const [{ ReferenceAgenticSystem }, { createToolExecutors }] = await Promise.all([
      import('./reference-agentic-system.js'),
      import('./tools/agent-tools.js'),
    ]);
    const store = await openStore(
      parsed,
      context.dataDir,
      `llama-stack-ts:${context.distributionName ?? 'stack'}:${context.providerId}:`,
    );
    const agentic = new ReferenceAgenticSystem({
      config: parsed,
      store,
      inference,
      safety: context.deps.safety,
      memory: context.deps.memory_banks,
      executors: createToolExecutors(parsed.tools),
    });
    return {
      implementation: agentic,
      async health() {
        try {
          await store.list('agent:');
          return { status: 'ok' };
        } catch (error) {
          return { status: 'error', message: error instanceof Error ? error.message : String(error) };
        }
      },
      dispose: () => agentic.dispose(),
    };
  },
});

async function openStore(
  config: AgentsReferenceConfig,
  dataDir: string,
  defaultPrefix: string,
): Promise<KeyValueStore> {
  if (config.persistence.type === 'redis') {
    const { RedisKeyValueStore } = await import('./store/redis-key-value-store.js');
    return RedisKeyValueStore.open({
      url: config.persistence.url,
      keyPrefix: config.persistence.key_prefix ?? defaultPrefix,
    });
  }
  const { FileKeyValueStore } = await import('./store/file-key-value-store.js');
  return FileKeyValueStore.open(config.persistence.directory ?? join(dataDir, 'kv'));
}
