export {
  LocalFsDatasetsConfig,
  type LocalFsDatasetsConfigInput,
  sampleLocalFsDatasetsConfig,
} from './localfs-config.js';
export { LocalFsDatasets, type LocalFsDatasetsOptions } from './localfs-datasets.js';
export {
  localFsDatasetsProviderSpec as default,
  localFsDatasetsProviderSpec,
} from './localfs-provider-spec.js';
