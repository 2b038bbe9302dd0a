export { JobsBatchConfig, type JobsBatchConfigInput, sampleJobsBatchConfig } from './jobs-batch-config.js';
export { JobsBatchInference, type JobsBatchInferenceOptions } from './jobs-batch-inference.js';
export {
  jobsBatchInferenceProviderSpec as default,
  jobsBatchInferenceProviderSpec,
} from './jobs-batch-provider-spec.js';
