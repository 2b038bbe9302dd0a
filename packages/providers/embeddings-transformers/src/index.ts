export { TransformersConfig, type TransformersConfigInput } from './transformers-config.js';
export {
  transformersProviderSpec as default,
  transformersProviderSpec as providerSpec,
  transformersProviderSpec,
} from './transformers-provider-spec.js';
