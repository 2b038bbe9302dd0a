export { RemoteOpenAiConfig, sampleRemoteOpenAiConfig } from './remote-openai-config.js';
export {
  remoteOpenAiProviderSpec,
  remoteOpenAiProviderSpec as default,
} from './remote-openai-provider-spec.js';
