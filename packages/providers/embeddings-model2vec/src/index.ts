export { Model2VecConfig, type Model2VecConfigInput } from './model2vec-config.js';
export {
  model2VecProviderSpec,
  model2VecProviderSpec as default,
  model2VecProviderSpec as providerSpec,
} from './model2vec-provider-spec.js';
