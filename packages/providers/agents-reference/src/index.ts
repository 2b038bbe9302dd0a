export {
  AgentsReferenceConfig,
  type AgentsReferenceConfigInput,
  sampleAgentsReferenceConfig,
} from './agents-reference-config.js';
export {
  agentsReferenceProviderSpec as default,
  agentsReferenceProviderSpec,
  agentsReferenceProviderSpec as providerSpec,
} from './agents-reference-provider-spec.js';
export type { ReferenceAgenticSystem } from './reference-agentic-system.js';
export { FileKeyValueStore } from './store/file-key-value-store.js';
export type { KeyValueStore } from './store/key-value-store.js';
export { RedisKeyValueStore, type RedisKeyValueStoreOptions } from './store/redis-key-value-store.js';
