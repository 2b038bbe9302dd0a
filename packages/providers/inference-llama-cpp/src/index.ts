export {
  type LlamaCppConfig,
  type LlamaCppConfigInput,
  LlamaCppConfig as LlamaCppConfigSchema,
  type LlamaCppModelSettings,
  sampleLlamaCppConfig,
} from './llama-cpp-config.js';
export { llamaCppProviderSpec, llamaCppProviderSpec as default } from './llama-cpp-provider-spec.js';
