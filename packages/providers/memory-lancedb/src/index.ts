export { LanceDbMemoryConfig, type LanceDbMemoryConfigInput } from './lancedb-config.js';
export type { LanceDbMemoryBanks } from './lancedb-memory-banks.js';
export {
  lanceDbMemoryProviderSpec as default,
  lanceDbMemoryProviderSpec,
  lanceDbMemoryProviderSpec as providerSpec,
} from './lancedb-provider-spec.js';
