export { CheckpointStore } from './checkpoint-store.js';
export {
  tfjsPostTrainingProviderSpec as default,
  tfjsPostTrainingProviderSpec,
} from './post-training-provider-spec.js';
export { type BaseModel, resolveBaseModel } from './resolve-base-model.js';
export {
  postTrainingQueueName,
  TfjsPostTraining,
  type TfjsPostTrainingOptions,
} from './tfjs-post-training.js';
export {
  sampleTfjsPostTrainingConfig,
  TfjsPostTrainingConfig,
  type TfjsPostTrainingConfigInput,
} from './tfjs-post-training-config.js';
export type { TrainingJobData, TrainingJobResult } from './training-job.js';
