export {
  LocalFsFilesConfig,
  type LocalFsFilesConfigInput,
  sampleLocalFsFilesConfig,
} from './localfs-config.js';
export { LocalFsFiles, type LocalFsFilesOptions } from './localfs-files.js';
export { localFsFilesProviderSpec as default, localFsFilesProviderSpec } from './localfs-provider-spec.js';
