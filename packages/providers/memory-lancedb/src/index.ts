export { LanceDbMemoryConfig, type LanceDbMemoryConfigInput, VectorIndexConfig } from './lancedb-config.js';
export type { LanceDbMemoryBanks, VectorIndexStatus } from './lancedb-memory-banks.js';
export {
  lanceDbMemoryProviderSpec as default,
  lanceDbMemoryProviderSpec,
  lanceDbMemoryProviderSpec as providerSpec,
} from './lancedb-provider-spec.js';
export { bankTableNames } from './storage/bank-tables.js';
