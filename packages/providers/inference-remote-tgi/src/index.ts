export { RemoteTgiConfig, sampleRemoteTgiConfig } from './remote-tgi-config.js';
export { remoteTgiProviderSpec, remoteTgiProviderSpec as default } from './remote-tgi-provider-spec.js';
