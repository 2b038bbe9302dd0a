export { InvalidModelSettingsError } from './invalid-model-settings-error.js';
export { ModelDownloadFailedError, ModelDownloadingError } from './model-downloading-error.js';
export { ModelFileNotFoundError } from './model-file-not-found-error.js';
export { ModelLoadError } from './model-load-error.js';
export { UnsupportedModelSourceError } from './unsupported-model-source-error.js';
