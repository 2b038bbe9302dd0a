import type {
  Datasets,
  JobContext,
  JsonObject,
  ModelRegistrations,
  ProviderLogger,
} from '@llama-stack-ts/core';
import { CheckpointStore } from './checkpoint-store.js';
import { runCommandTrainer } from './command-trainer.js';
import type { TfjsPostTrainingConfig } from './tfjs-post-training-config.js';
import { runTfjsTrainer } from './tfjs-trainer.js';
import type { TrainedArtifact } from './trainer-backend.js';
import { checkpointFileNames } from './trainer-plan.js';
import type { TrainingJobData, TrainingJobResult } from './training-job.js';
import { TrainingReport } from './training-report.js';

export interface RunTrainingJobDeps {
  config: TfjsPostTrainingConfig;
  dataDir: string;
  datasets: Datasets;
  modelRegistrations: ModelRegistrations | undefined;
  logger: ProviderLogger;
}

/**
 * One training job, whatever its algorithm and trainer (the built-in one, or the configured
 * command): finds the checkpoint an earlier try left, has the trainer train with the shared log
 * format and checkpoint store, and registers the model `<job_uuid>` from the GGUF it leaves.
 */
export async function runTrainingJob(
  job: JobContext<TrainingJobData>,
  deps: RunTrainingJobDeps,
): Promise<TrainingJobResult> {
  const { request } = job.data;
  const store = new CheckpointStore(deps.dataDir, job.jobId, checkpointFileNames[request.algorithm]);
  const checkpoint = await store.latest();
  const report = new TrainingReport(job, request.training_config.n_epochs, checkpoint?.step);
  const trainer = deps.config.trainer;
  const run = { job, deps, store, checkpoint, report };
  let artifact: TrainedArtifact;
  try {
    artifact = trainer.type === 'command' ? await runCommandTrainer(run, trainer) : await runTfjsTrainer(run);
  } catch (error) {
    // The routes show no error field: the log's last line says why the try failed.
    if (!job.signal.aborted) await job.log(`failed: ${(error as Error).message}`);
    throw error;
  }
  await job.log(`done: ${artifact.path}`);
  await registerTrainedModel(job, deps, artifact);
  return {
    artifact_path: artifact.path,
    steps: artifact.steps,
    final_loss: report.lastLoss,
    validation: report.evaluation ? { [report.evaluation.name]: report.evaluation.value } : {},
  };
}

/**
 * Registers `<job_uuid>` with the base model's provider: the base's file with the adapter on top
 * (at scale 1: the trainer scaled it alpha / rank), or the full GGUF the job wrote.
 */
async function registerTrainedModel(
  job: JobContext<TrainingJobData>,
  deps: RunTrainingJobDeps,
  artifact: TrainedArtifact,
): Promise<void> {
  const { request, base } = job.data;
  if (!deps.modelRegistrations) {
    await job.log(
      'not served: this stack registers no models at run time (ProviderContext.modelRegistrations)',
    );
    return;
  }
  const served: { provider_resource_id: string; metadata: JsonObject } =
    artifact.kind === 'adapter'
      ? {
          provider_resource_id: base.provider_resource_id,
          metadata: { lora_adapters: [{ path: artifact.path, scale: 1 }] },
        }
      : { provider_resource_id: artifact.path, metadata: {} };
  await deps.modelRegistrations.register({
    identifier: request.job_uuid,
    provider_id: base.provider_id,
    provider_resource_id: served.provider_resource_id,
    model_type: 'llm',
    metadata: { base_model: base.identifier, job_uuid: request.job_uuid, ...served.metadata },
  });
  await job.log(
    `registered model '${request.job_uuid}' (${artifact.kind === 'adapter' ? `${base.identifier} with the adapter` : artifact.path})`,
  );
}
