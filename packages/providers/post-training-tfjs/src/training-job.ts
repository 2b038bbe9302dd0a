import type { PostTrainingSFTRequest } from '@llama-stack-ts/core';
import type { TrainingColumn } from './training-column.js';

/** What a queued fine-tuning job carries (stored as JSON in the job engine). */
export interface TrainingJobData {
  request: PostTrainingSFTRequest;
  base: {
    identifier: string;
    provider_id: string;
    provider_resource_id: string;
    /** Absolute path of the GGUF file. */
    path: string;
    architecture: string;
  };
  /** The Datasets API copies of the request's datasets, and the column each trains on. */
  datasets: {
    train: { id: string; column: TrainingColumn };
    validation: { id: string; column: TrainingColumn };
  };
}

export interface TrainingJobResult {
  /** Absolute path of the final adapter GGUF the registered model loads. */
  adapter_path: string;
  steps: number;
  final_loss: number;
  validation_loss: number;
}
