export { ModelDownloadError } from './model-download-error.js';
export { ModelFilesMissingError } from './model-files-missing-error.js';
export { ModelLoadError } from './model-load-error.js';
