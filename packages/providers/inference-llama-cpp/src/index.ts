export {
  type LlamaCppConfig,
  LlamaCppConfig as LlamaCppConfigSchema,
  type LlamaCppConfigInput,
  type LlamaCppModelSettings,
  sampleLlamaCppConfig,
} from './llama-cpp-config.js';
export { llamaCppProviderSpec, llamaCppProviderSpec as default } from './llama-cpp-provider-spec.js';
