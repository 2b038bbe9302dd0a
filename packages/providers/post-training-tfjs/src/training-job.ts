import type { PostTrainingRLHFRequest, PostTrainingSFTRequest } from '@llama-stack-ts/core';
import type { TrainingColumn } from './training-column.js';

/** What a queued training job carries (stored as JSON in the job engine). */
export interface TrainingJobData {
  /** Supervised fine-tuning (lora, qlora, dora, full) or preference optimization (dpo). */
  request: PostTrainingSFTRequest | PostTrainingRLHFRequest;
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
  /** Absolute path of the final GGUF the registered model loads: an adapter, or a full model. */
  artifact_path: string;
  steps: number;
  final_loss: number;
  /** The validation metric at the end: `validation_loss`, or `validation_margin` for DPO. */
  validation: Record<string, number>;
}

/** A job's final GGUF: an `adapter` llama.cpp applies over the base, or a whole `model`. */
export type TrainedArtifactKind = 'adapter' | 'model';
