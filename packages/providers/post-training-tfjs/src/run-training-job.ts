import { availableParallelism } from 'node:os';
import type {
  Datasets,
  JobContext,
  JobProgress,
  ModelRegistrations,
  ProviderLogger,
} from '@llama-stack-ts/core';
import { type LoraTrainingSettings, trainingStepCount, useTfjsBackend } from '@llama-stack-ts/trainer-tfjs';
import { getLlama, type Llama } from 'node-llama-cpp';
import { CheckpointStore } from './checkpoint-store.js';
import { loadExamples, type TrainingItems } from './load-examples.js';
import type { TfjsPostTrainingConfig } from './tfjs-post-training-config.js';
import { checkpointFileNames, createTrainerPlan, type TrainerPlan } from './trainer-plan.js';
import type { TrainingJobData, TrainingJobResult } from './training-job.js';

let llama: Promise<Llama> | undefined;

/** node-llama-cpp for tokenizing only (vocab-only models): CPU, never compiled at run time. */
function tokenizerLlama(): Promise<Llama> {
  llama ??= getLlama({ gpu: false, build: 'never' });
  return llama;
}

export interface RunTrainingJobDeps {
  config: TfjsPostTrainingConfig;
  dataDir: string;
  datasets: Datasets;
  modelRegistrations: ModelRegistrations | undefined;
  logger: ProviderLogger;
}

const formatSeconds = (seconds: number) =>
  seconds >= 3600
    ? `${(seconds / 3600).toFixed(1)}h`
    : seconds >= 60
      ? `${(seconds / 60).toFixed(1)}m`
      : `${seconds.toFixed(1)}s`;

/**
 * One training job, whatever its algorithm (see trainer-plan): tokenizes the datasets with the
 * base model's tokenizer, trains, checkpoints every `checkpoint_every_steps` steps and at the end,
 * resumes from the last checkpoint when the job is retried, writes the final GGUF and registers
 * the model `<job_uuid>` as the base plus the adapter, or as the full GGUF written.
 */
export async function runTrainingJob(
  job: JobContext<TrainingJobData>,
  deps: RunTrainingJobDeps,
): Promise<TrainingJobResult> {
  const { request, base, datasets } = job.data;
  const { config } = deps;
  const store = new CheckpointStore(deps.dataDir, job.jobId, checkpointFileNames[request.algorithm]);

  const tokenizer = await (await tokenizerLlama()).loadModel({ modelPath: base.path, vocabOnly: true });
  let train: TrainingItems;
  let validation: TrainingItems;
  try {
    const options = { signal: job.signal };
    train = await loadExamples(deps.datasets, { ...datasets.train, field: 'dataset' }, tokenizer, options);
    validation = await loadExamples(
      deps.datasets,
      { ...datasets.validation, field: 'validation_dataset' },
      tokenizer,
      options,
    );
  } finally {
    await tokenizer.dispose();
  }

  await useTfjsBackend(config.backend);
  const checkpoint = await store.latest();
  const plan = await createTrainerPlan(job.data, config, train, validation, checkpoint?.path);
  try {
    const { optimizer_config: optimizer, training_config: training } = request;
    const settings: LoraTrainingSettings = {
      optimizer: {
        kind: optimizer.optimizer_type,
        lr: optimizer.lr,
        lrMin: optimizer.lr_min,
        weightDecay: optimizer.weight_decay,
      },
      nEpochs: training.n_epochs,
      batchSize: training.batch_size,
      shuffle: training.shuffle,
      seed: config.seed,
      ...(training.n_iters > 0 ? { maxStepsPerEpoch: training.n_iters } : {}),
    };
    const totalSteps = trainingStepCount(plan.trainItems, settings);
    const stepsPerEpoch = totalSteps / settings.nEpochs;
    const resources = {
      trainer: 'trainer-tfjs',
      backend: config.backend,
      cpu_threads: availableParallelism(),
      algorithm: request.algorithm,
      base_model_path: base.path,
      base_kept_quantized: request.algorithm === 'qlora',
      trainable_parameters: plan.variables,
    };
    await job.log(
      `${request.algorithm} on '${base.identifier}' (${base.architecture}, ${base.path}): ${plan.trainItems} training and ` +
        `${validation.items.length} validation ${train.kind}, ${totalSteps} steps` +
        (checkpoint ? `, resuming from the checkpoint of step ${checkpoint.step} (try ${job.attempt})` : ''),
    );

    let progress: JobProgress = {
      completed: checkpoint?.step ?? 0,
      total: totalSteps,
      details: { resources_allocated: resources },
    };
    await job.setProgress(progress);
    let seconds = 0;
    let stepsTimed = 0;
    let lastLoss = Number.NaN;
    let evaluation: { name: string; value: number } | undefined;

    await plan.train(settings, {
      signal: job.signal,
      ...(checkpoint ? { resume: { steps: checkpoint.step, optimizer: checkpoint.optimizer } } : {}),
      onStep: async (step, optimizer) => {
        seconds += step.seconds;
        stepsTimed++;
        lastLoss = step.loss;
        const tokensPerSecond = step.tokens / Math.max(step.seconds, 1e-9);
        const eta = (seconds / stepsTimed) * (totalSteps - step.step);
        await job.log(
          `step ${step.step}/${totalSteps} epoch ${step.epoch + 1}/${settings.nEpochs} loss ${step.loss.toFixed(4)} ` +
            `lr ${step.lr.toExponential(3)} tokens/s ${tokensPerSecond.toFixed(0)} eta ${formatSeconds(eta)}`,
        );
        const details: Record<string, unknown> = {
          resources_allocated: resources,
          epoch: step.epoch + 1,
          loss: step.loss,
          lr: step.lr,
          tokens_per_second: tokensPerSecond,
          eta_seconds: eta,
        };
        if (step.step % stepsPerEpoch === 0) {
          evaluation = plan.evaluate();
          details[evaluation.name] = evaluation.value;
          await job.log(
            `epoch ${step.epoch + 1}/${settings.nEpochs} ${evaluation.name} ${evaluation.value.toFixed(4)}`,
          );
        }
        if (step.step % config.checkpoint_every_steps === 0 || step.step === totalSteps)
          await store.write(step.step, optimizer.state(), (path) => plan.writeCheckpoint(path));
        progress = { completed: step.step, total: totalSteps, details };
        await job.setProgress(progress);
      },
    });

    const finalPath = store.finalPath(plan.finalFileName);
    await plan.writeFinal(finalPath);
    evaluation ??= plan.evaluate();
    await job.log(`done: ${finalPath}`);
    await registerTrainedModel(job, deps, plan.served(finalPath));
    return {
      artifact_path: finalPath,
      steps: totalSteps,
      final_loss: lastLoss,
      validation: { [evaluation.name]: evaluation.value },
    };
  } finally {
    plan.dispose();
  }
}

/**
 * Registers `<job_uuid>` with the base model's provider: the base's file with an adapter on top,
 * or the full GGUF the job wrote, as `served` says.
 */
async function registerTrainedModel(
  job: JobContext<TrainingJobData>,
  deps: RunTrainingJobDeps,
  served: ReturnType<TrainerPlan['served']>,
): Promise<void> {
  const { request, base } = job.data;
  if (!deps.modelRegistrations) {
    await job.log(
      'not served: this stack registers no models at run time (ProviderContext.modelRegistrations)',
    );
    return;
  }
  const providerResourceId = served.provider_resource_id ?? base.provider_resource_id;
  await deps.modelRegistrations.register({
    identifier: request.job_uuid,
    provider_id: base.provider_id,
    provider_resource_id: providerResourceId,
    model_type: 'llm',
    metadata: { base_model: base.identifier, job_uuid: request.job_uuid, ...served.metadata },
  });
  await job.log(
    `registered model '${request.job_uuid}' (${served.provider_resource_id ?? `${base.identifier} with the adapter`})`,
  );
}
