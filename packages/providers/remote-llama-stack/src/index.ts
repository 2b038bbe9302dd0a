export { RemoteLlamaStackConfig, sampleRemoteLlamaStackConfig } from './remote-llama-stack-config.js';
export {
  remoteLlamaStackProviderSpecs,
  remoteLlamaStackProviderSpecs as default,
} from './remote-llama-stack-provider-specs.js';
