import type {
  EmbeddingInference,
  Inference,
  MemoryBankRegistration,
  ProviderLogger,
  UrlPolicy,
} from '@llama-stack-ts/core';
import type { LanceDbMemoryConfigInput } from '../../src/lancedb-config.js';
import { LanceDbMemoryConfig } from '../../src/lancedb-config.js';
import type { LanceDbMemoryBanks } from '../../src/lancedb-memory-banks.js';
import { lanceDbMemoryProviderSpec } from '../../src/lancedb-provider-spec.js';
import type { Model2vecTestEmbedder } from './model2vec-test-embedder.js';

export interface StartMemoryBanksOptions {
  dataDir: string;
  embedder: Model2vecTestEmbedder;
  config?: LanceDbMemoryConfigInput;
  memoryBanks?: MemoryBankRegistration[];
  warnings?: string[];
  /** The distribution's `url_fetch:` as the stack would hand it over. */
  urlPolicy?: UrlPolicy;
}

/** Starts the provider the way the stack does: through its spec's `create`, with a real LanceDB directory. */
export async function startMemoryBanks(options: StartMemoryBanksOptions): Promise<LanceDbMemoryBanks> {
  const logger: ProviderLogger = {
    info: () => undefined,
    warn: (message) => options.warnings?.push(message),
    error: (message) => options.warnings?.push(message),
  };
  const instance = await lanceDbMemoryProviderSpec.create(LanceDbMemoryConfig.parse(options.config ?? {}), {
    providerId: 'lancedb',
    dataDir: options.dataDir,
    // The provider calls embeddings alone; a stack would hand it its whole inference router.
    deps: { inference: options.embedder as EmbeddingInference as Inference },
    models: [],
    logger,
    memoryBanks: options.memoryBanks ?? [],
    urlPolicy: options.urlPolicy,
  });
  return instance.implementation;
}
