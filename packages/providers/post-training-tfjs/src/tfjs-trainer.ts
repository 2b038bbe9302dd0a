import { availableParallelism } from 'node:os';
import { type LoraTrainingSettings, trainingStepCount, useTfjsBackend } from '@llama-stack-ts/trainer-tfjs';
import { getLlama, type Llama } from 'node-llama-cpp';
import { loadExamples, type TrainingItems } from './load-examples.js';
import type { TrainedArtifact, TrainerRun } from './trainer-backend.js';
import { createTrainerPlan } from './trainer-plan.js';

let llama: Promise<Llama> | undefined;

/** node-llama-cpp for tokenizing only (vocab-only models): CPU, never compiled at run time. */
function tokenizerLlama(): Promise<Llama> {
  llama ??= getLlama({ gpu: false, build: 'never' });
  return llama;
}

/**
 * The built-in trainer, whatever the algorithm (see trainer-plan): tokenizes the datasets with the
 * base model's tokenizer, trains in this process, checkpoints every `checkpoint_every_steps` steps
 * and at the end (weights and optimizer state), resumes from `checkpoint`, writes the final GGUF.
 */
export async function runTfjsTrainer({
  job,
  deps,
  store,
  checkpoint,
  report,
}: TrainerRun): Promise<TrainedArtifact> {
  const { request, base, datasets } = job.data;
  const { config } = deps;

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
  if (checkpoint && !checkpoint.optimizer)
    throw new Error(
      `the checkpoint of step ${checkpoint.step} has no optimizer state (a command trainer wrote it): ` +
        'the built-in trainer cannot resume it; submit the job again under a new job_uuid',
    );
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
    await report.begin(
      `${request.algorithm} on '${base.identifier}' (${base.architecture}, ${base.path}): ${plan.trainItems} training and ` +
        `${validation.items.length} validation ${train.kind}, ${totalSteps} steps`,
      {
        trainer: 'trainer-tfjs',
        backend: config.backend,
        cpu_threads: availableParallelism(),
        algorithm: request.algorithm,
        base_model_path: base.path,
        base_kept_quantized: request.algorithm === 'qlora',
        trainable_parameters: plan.variables,
      },
      totalSteps,
    );

    await plan.train(settings, {
      signal: job.signal,
      ...(checkpoint?.optimizer
        ? { resume: { steps: checkpoint.step, optimizer: checkpoint.optimizer } }
        : {}),
      onStep: async (step, optimizer) => {
        await report.step({
          step: step.step,
          totalSteps,
          epoch: step.epoch + 1,
          loss: step.loss,
          lr: step.lr,
          tokensPerSecond: step.tokens / Math.max(step.seconds, 1e-9),
        });
        if (step.step % stepsPerEpoch === 0) {
          const { name, value } = plan.evaluate();
          await report.validation(step.epoch + 1, name, value);
        }
        if (step.step % config.checkpoint_every_steps === 0 || step.step === totalSteps)
          await store.write(step.step, (path) => plan.writeCheckpoint(path), optimizer.state());
      },
    });

    const finalPath = store.finalPath(plan.finalFileName);
    await plan.writeFinal(finalPath);
    if (!report.evaluation) {
      const { name, value } = plan.evaluate();
      report.evaluation = { name, value };
    }
    return { path: finalPath, kind: plan.finalKind, steps: totalSteps };
  } finally {
    plan.dispose();
  }
}
