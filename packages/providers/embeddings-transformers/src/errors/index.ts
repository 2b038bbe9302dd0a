export { ModelDownloadError, ModelFilesMissingError } from '@llama-stack-ts/provider-utils/models';
export { ModelLoadError } from './model-load-error.js';
