export type { ProgressStream } from '../progress-bar.js';
export {
  defineEmbeddingProviderSpec,
  type EmbeddingInferenceClass,
} from './define-embedding-provider-spec.js';
export {
  type DownloadFileOptions,
  type DownloadFileResult,
  downloadFile,
} from './download-file.js';
export { type DownloadHubFilesOptions, downloadHubFiles, hubFileUrl } from './download-hub-files.js';
export {
  cachedHubModelFile,
  type DownloadHubModelFileOptions,
  downloadHubModelFile,
} from './download-hub-model-file.js';
export {
  DownloadProgressBar,
  type DownloadProgressBarOptions,
  formatBytes,
} from './download-progress.js';
export { embeddingContentToText } from './embedding-content-to-text.js';
export {
  type EmbeddingInferenceOptions,
  EmbeddingOnlyInference,
  type EmbeddingOnlyInferenceOptions,
  type LoadedEmbeddingModel,
} from './embedding-only-inference.js';
export { embeddingProviderInstance } from './embedding-provider-instance.js';
export { ModelChecksumError } from './errors/model-checksum-error.js';
export { ModelDownloadError } from './errors/model-download-error.js';
export { ModelFilesMissingError } from './errors/model-files-missing-error.js';
export {
  formatHubFileReference,
  type HubFileReference,
  isHubReference,
  parseHubFileReference,
  pickQuantFile,
} from './hub-file-reference.js';
export {
  type HubModelConfig,
  hubModelConfigFields,
  resolveModelCacheDir,
  sampleHubModelConfig,
} from './hub-model-config.js';
export {
  defaultModelCacheDir,
  expandHome,
  hubCacheFolder,
  type ModelSource,
  type ResolveModelSourceOptions,
  resolveModelSource,
} from './resolve-model-source.js';
