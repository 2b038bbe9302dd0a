import type { JobContext } from '@llama-stack-ts/core';
import type { CheckpointStore, StoredCheckpoint } from './checkpoint-store.js';
import type { RunTrainingJobDeps } from './run-training-job.js';
import type { TrainedArtifactKind, TrainingJobData } from './training-job.js';
import type { TrainingReport } from './training-report.js';

/** What a trainer gets from the job path (run-training-job), whichever trainer it is. */
export interface TrainerRun {
  job: JobContext<TrainingJobData>;
  deps: RunTrainingJobDeps;
  /** Where checkpoints go (`store.write`) and the job's folder (`store.jobDir`). */
  store: CheckpointStore;
  /** The last checkpoint of an earlier try of the job: continue from it. */
  checkpoint: StoredCheckpoint | undefined;
  /** Step and validation lines and the job's progress, in the format every trainer shares. */
  report: TrainingReport;
}

/** The GGUF a trainer leaves: the job path registers `<job_uuid>` from it. */
export interface TrainedArtifact {
  path: string;
  kind: TrainedArtifactKind;
  /** Optimizer steps of the whole job. */
  steps: number;
}

/** Trains a job: the built-in TensorFlow.js trainer (tfjs-trainer) or an executable (command-trainer). */
export type Trainer = (run: TrainerRun) => Promise<TrainedArtifact>;
