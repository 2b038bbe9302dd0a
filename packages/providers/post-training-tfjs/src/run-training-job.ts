import { availableParallelism } from 'node:os';
import type {
  Datasets,
  JobContext,
  JobProgress,
  ModelRegistrations,
  ProviderLogger,
} from '@llama-stack-ts/core';
import {
  disposeLlamaWeights,
  LoraAdapter,
  type LoraAttentionModule,
  type LoraTrainingSettings,
  loadLlamaWeights,
  meanLoss,
  readLoraAdapterGguf,
  trainingStepCount,
  trainLora,
  useTfjsBackend,
  writeLoraAdapterGguf,
} from '@llama-stack-ts/trainer-tfjs';
import { getLlama, type Llama } from 'node-llama-cpp';
import { CheckpointStore } from './checkpoint-store.js';
import { loadExamples } from './load-examples.js';
import type { TfjsPostTrainingConfig } from './tfjs-post-training-config.js';
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
 * One fine-tuning job: tokenizes the datasets with the base model's tokenizer, trains LoRA (QLoRA:
 * on the base kept quantized), checkpoints every `checkpoint_every_steps` steps and at the end,
 * resumes from the last checkpoint when the job is retried, writes the final adapter and registers
 * the model `<job_uuid>` as the base plus that adapter.
 */
export async function runTrainingJob(
  job: JobContext<TrainingJobData>,
  deps: RunTrainingJobDeps,
): Promise<TrainingJobResult> {
  const { request, base, datasets } = job.data;
  const { config } = deps;
  const store = new CheckpointStore(deps.dataDir, job.jobId);
  const algorithmConfig = request.algorithm_config;
  if (!algorithmConfig) throw new Error('algorithm_config was checked when the job was queued');

  const tokenizer = await (await tokenizerLlama()).loadModel({ modelPath: base.path, vocabOnly: true });
  let train: Awaited<ReturnType<typeof loadExamples>>;
  let validation: Awaited<ReturnType<typeof loadExamples>>;
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
  const weights = await loadLlamaWeights(base.path, { keepQuantized: request.algorithm === 'qlora' });
  const adapter = LoraAdapter.create(
    weights,
    {
      rank: algorithmConfig.rank,
      alpha: algorithmConfig.alpha,
      attnModules: algorithmConfig.lora_attn_modules as LoraAttentionModule[],
      applyToMlp: algorithmConfig.apply_lora_to_mlp,
      applyToOutput: algorithmConfig.apply_lora_to_output,
    },
    config.seed,
  );
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
    const totalSteps = trainingStepCount(train.length, settings);
    const stepsPerEpoch = totalSteps / settings.nEpochs;
    const resources = {
      trainer: 'trainer-tfjs',
      backend: config.backend,
      cpu_threads: availableParallelism(),
      algorithm: request.algorithm,
      base_model_path: base.path,
      base_kept_quantized: request.algorithm === 'qlora',
      trainable_parameters: adapter.variables.reduce((sum, variable) => sum + variable.size, 0),
    };
    const checkpoint = await store.latest();
    if (checkpoint) await readLoraAdapterGguf(checkpoint.adapterPath, adapter);
    await job.log(
      `${request.algorithm} on '${base.identifier}' (${base.architecture}, ${base.path}): ${train.length} training and ` +
        `${validation.length} validation examples, ${totalSteps} steps` +
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
    let validationLoss = Number.NaN;
    const writeCheckpoint = (step: number, optimizerState: Parameters<CheckpointStore['write']>[1]) =>
      store.write(step, optimizerState, (path) =>
        writeLoraAdapterGguf(path, adapter, { architecture: base.architecture, name: request.job_uuid }),
      );

    await trainLora(weights, adapter, train, settings, {
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
          validationLoss = meanLoss(weights, adapter, validation);
          details.validation_loss = validationLoss;
          await job.log(
            `epoch ${step.epoch + 1}/${settings.nEpochs} validation_loss ${validationLoss.toFixed(4)}`,
          );
        }
        if (step.step % config.checkpoint_every_steps === 0 || step.step === totalSteps)
          await writeCheckpoint(step.step, optimizer.state());
        progress = { completed: step.step, total: totalSteps, details };
        await job.setProgress(progress);
      },
    });

    await writeLoraAdapterGguf(store.finalAdapterPath, adapter, {
      architecture: base.architecture,
      name: request.job_uuid,
    });
    if (Number.isNaN(validationLoss)) validationLoss = meanLoss(weights, adapter, validation);
    await job.log(`done: adapter ${store.finalAdapterPath}`);
    await registerTrainedModel(job, deps, store.finalAdapterPath);
    return {
      adapter_path: store.finalAdapterPath,
      steps: totalSteps,
      final_loss: lastLoss,
      validation_loss: validationLoss,
    };
  } finally {
    adapter.dispose();
    disposeLlamaWeights(weights);
  }
}

/** Registers `<job_uuid>`: the base model's provider and file, with the adapter on top at scale 1. */
async function registerTrainedModel(
  job: JobContext<TrainingJobData>,
  deps: RunTrainingJobDeps,
  adapterPath: string,
): Promise<void> {
  const { request, base } = job.data;
  if (!deps.modelRegistrations) {
    await job.log(
      'not served: this stack registers no models at run time (ProviderContext.modelRegistrations)',
    );
    return;
  }
  await deps.modelRegistrations.register({
    identifier: request.job_uuid,
    provider_id: base.provider_id,
    provider_resource_id: base.provider_resource_id,
    model_type: 'llm',
    metadata: {
      base_model: base.identifier,
      job_uuid: request.job_uuid,
      lora_adapters: [{ path: adapterPath, scale: 1 }],
    },
  });
  await job.log(`registered model '${request.job_uuid}' (${base.identifier} with the adapter)`);
}
