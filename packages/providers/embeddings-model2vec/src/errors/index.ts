export { ModelDownloadError, ModelFilesMissingError } from '@llama-stack-ts/provider-utils/models';
export { ModelFormatError } from './model-format-error.js';
