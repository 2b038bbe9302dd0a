import { join } from 'node:path';
import { defineProviderSpec, type ProviderInstance } from '@llama-stack-ts/core';
import { BankStoreHealth } from './bank-store-health.js';
import { LanceDbMemoryConfig, sampleLanceDbMemoryConfig } from './lancedb-config.js';
import type { LanceDbMemoryBanks } from './lancedb-memory-banks.js';
import { silenceLanceDbWarnings } from './storage/silence-lancedb-warnings.js';

/** `inline::lancedb`: memory banks in a LanceDB directory or object store, embedded through the Inference API. */
export const lanceDbMemoryProviderSpec = defineProviderSpec<LanceDbMemoryConfig, LanceDbMemoryBanks>({
  specVersion: 'v1',
  api: 'memory_banks',
  providerType: 'inline::lancedb',
  description:
    'Memory banks in LanceDB (a directory under the data directory, or s3:// / gs:// / az:// object storage): ' +
    'documents as text, Markdown, HTML, JSON or PDF, inline or by data:/http(s)/file URL; vector, keyword and hybrid search.',
  configSchema: LanceDbMemoryConfig,
  sampleConfig: sampleLanceDbMemoryConfig,
  apiDependencies: ['inference'],
  async create(config, context): Promise<ProviderInstance<LanceDbMemoryBanks>> {
    const parsed = LanceDbMemoryConfig.parse(config);
    const embedder = context.deps.inference;
    if (!embedder || typeof embedder.embeddings !== 'function') {
      throw new Error(
        'inline::lancedb needs the inference API to embed documents: configure an inference provider that serves an embedding model (providers.inference in distribution.yaml).',
      );
    }
    // The implementation pulls in LanceDB's native module: loaded only when the provider starts,
    // and told first to keep its routine warnings off stderr.
    silenceLanceDbWarnings();
    const { LanceDbMemoryBanks } = await import('./lancedb-memory-banks.js');
    const memoryBanks = await LanceDbMemoryBanks.create({
      config: parsed,
      uri: parsed.uri ?? join(context.dataDir, 'lancedb'),
      embedder,
      logger: context.logger,
      urlPolicy: context.urlPolicy,
    });
    try {
      for (const bank of context.memoryBanks ?? []) await memoryBanks.registerMemoryBank(bank);
    } catch (error) {
      await memoryBanks.dispose();
      throw error;
    }
    return instanceOf(memoryBanks);
  },
});

function instanceOf(memoryBanks: LanceDbMemoryBanks): ProviderInstance<LanceDbMemoryBanks> {
  const health = new BankStoreHealth({ probe: () => memoryBanks.listMemoryBanks({}) });
  return {
    implementation: memoryBanks,
    registerMemoryBank: (bank) => memoryBanks.registerMemoryBank(bank),
    health: () => health.check(),
    dispose: () => memoryBanks.dispose(),
  };
}
