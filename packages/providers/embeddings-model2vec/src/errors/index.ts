export { ModelDownloadError } from './model-download-error.js';
export { ModelFilesMissingError } from './model-files-missing-error.js';
export { ModelFormatError } from './model-format-error.js';
