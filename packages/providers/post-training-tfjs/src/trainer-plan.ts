import type { FinetuningAlgorithmConfig } from '@llama-stack-ts/core';
import {
  DoraAdapter,
  disposeLlamaWeights,
  FullFineTune,
  type LlamaWeights,
  LoraAdapter,
  type LoraAttentionModule,
  type LoraConfig,
  type LoraTrainingSettings,
  loadLlamaWeights,
  meanLoss,
  type ProjectionAdapter,
  preferenceMargins,
  readDoraCheckpointGguf,
  readLoraAdapterGguf,
  type TrainingHooks,
  trainDpo,
  trainLora,
  writeDoraCheckpointGguf,
  writeLoraAdapterGguf,
} from '@llama-stack-ts/trainer-tfjs';
import type { TrainingItems } from './load-examples.js';
import type { TfjsPostTrainingConfig } from './tfjs-post-training-config.js';
import type { TrainedArtifactKind, TrainingJobData } from './training-job.js';

/** A job's algorithm: supervised (lora, qlora, dora, full) or dpo. */
export type TrainingAlgorithm = TrainingJobData['request']['algorithm'];

/** The GGUF a checkpoint of each algorithm holds: the job routes list it as the checkpoint's artifact. */
export const checkpointFileNames: Record<TrainingAlgorithm, string> = {
  lora: 'adapter.gguf',
  qlora: 'adapter.gguf',
  dpo: 'adapter.gguf',
  dora: 'dora.gguf',
  full: 'model.gguf',
};

/**
 * How one algorithm trains, saves and is served; the job (run-training-job) is the same for all:
 * load, resume, train with logs and checkpoints, write the final GGUF, register `<job_uuid>`.
 */
export interface TrainerPlan {
  readonly variables: number;
  /** Items (examples or pairs) per epoch, for the step count. */
  readonly trainItems: number;
  /** The final GGUF's name in the job folder. */
  readonly finalFileName: string;
  train(settings: LoraTrainingSettings, hooks: TrainingHooks): Promise<unknown>;
  /** The validation metric logged at each epoch end: loss, or DPO's chosen-over-rejected margin. */
  evaluate(): { name: string; value: number };
  writeCheckpoint(path: string): Promise<void>;
  writeFinal(path: string): Promise<void>;
  /** What the final GGUF is, so how `<job_uuid>` is served (see run-training-job). */
  readonly finalKind: TrainedArtifactKind;
  dispose(): void;
}

const loraConfig = (config: FinetuningAlgorithmConfig): LoraConfig => ({
  rank: config.rank,
  alpha: config.alpha,
  attnModules: config.lora_attn_modules as LoraAttentionModule[],
  applyToMlp: config.apply_lora_to_mlp,
  applyToOutput: config.apply_lora_to_output,
});

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The adapter GGUF llama.cpp applies over the base, for lora, qlora and dpo. */
const loraAdapterFiles = (adapter: LoraAdapter, architecture: string, name: string) => ({
  writeCheckpoint: (path: string) => writeLoraAdapterGguf(path, adapter, { architecture, name }),
  writeFinal: (path: string) => writeLoraAdapterGguf(path, adapter, { architecture, name }),
  finalKind: 'adapter' as const,
});

/**
 * The plan of `data`'s algorithm over `train` and `validation`, resumed from the checkpoint GGUF
 * at `checkpointPath` when there is one (a full fine-tune's checkpoint is the model itself, so it
 * is loaded in the base's place).
 */
export async function createTrainerPlan(
  data: TrainingJobData,
  config: TfjsPostTrainingConfig,
  train: TrainingItems,
  validation: TrainingItems,
  checkpointPath: string | undefined,
): Promise<TrainerPlan> {
  const { request, base } = data;
  const algorithm = request.algorithm;
  const weights = await loadLlamaWeights(algorithm === 'full' ? (checkpointPath ?? base.path) : base.path, {
    keepQuantized: algorithm === 'qlora',
  });
  const count = (adapter: ProjectionAdapter) =>
    adapter.variables.reduce((sum, variable) => sum + variable.size, 0);
  try {
    if (train.kind === 'pairs' && validation.kind === 'pairs' && algorithm === 'dpo') {
      const adapter = LoraAdapter.create(weights, loraConfig(config.dpo_adapter), config.seed);
      if (checkpointPath) await readLoraAdapterGguf(checkpointPath, adapter);
      return {
        variables: count(adapter),
        trainItems: train.items.length,
        finalFileName: 'adapter.gguf',
        train: (settings, hooks) =>
          trainDpo(
            weights,
            adapter,
            train.items,
            { ...settings, beta: request.algorithm_config.reward_scale },
            hooks,
          ),
        evaluate: () => ({
          name: 'validation_margin',
          value: mean(preferenceMargins(weights, adapter, validation.items)),
        }),
        ...loraAdapterFiles(adapter, base.architecture, request.job_uuid),
        dispose: () => {
          adapter.dispose();
          disposeLlamaWeights(weights);
        },
      };
    }
    if (train.kind !== 'examples' || validation.kind !== 'examples' || request.algorithm === 'dpo')
      throw new Error(`${algorithm} was queued with ${train.kind}; the submit checks pair them`);
    const examples = train.items;
    const evaluateWith = (forward: LlamaWeights, adapter: ProjectionAdapter) => () => ({
      name: 'validation_loss',
      value: meanLoss(forward, adapter, validation.items),
    });
    if (request.algorithm === 'full') {
      const fine = FullFineTune.create(weights);
      // The fine-tune holds its own f32 copy of every weight.
      disposeLlamaWeights(weights);
      return {
        variables: count(fine),
        trainItems: examples.length,
        finalFileName: 'model.gguf',
        train: (settings, hooks) => trainLora(fine.weights, fine, examples, settings, hooks),
        evaluate: evaluateWith(fine.weights, fine),
        writeCheckpoint: (path) => fine.writeGguf(path, base.path),
        writeFinal: (path) => fine.writeGguf(path, base.path),
        finalKind: 'model',
        dispose: () => fine.dispose(),
      };
    }
    const adapterConfig = request.algorithm_config;
    if (!adapterConfig) throw new Error('algorithm_config was checked when the job was queued');
    if (request.algorithm === 'dora') {
      const dora = DoraAdapter.create(weights, loraConfig(adapterConfig), config.seed);
      if (checkpointPath) await readDoraCheckpointGguf(checkpointPath, dora);
      return {
        variables: count(dora),
        trainItems: examples.length,
        finalFileName: 'model.gguf',
        train: (settings, hooks) => trainLora(weights, dora, examples, settings, hooks),
        evaluate: evaluateWith(weights, dora),
        writeCheckpoint: (path) => writeDoraCheckpointGguf(path, dora, base.architecture),
        writeFinal: (path) => dora.writeMergedGguf(path, base.path, weights),
        finalKind: 'model',
        dispose: () => {
          dora.dispose();
          disposeLlamaWeights(weights);
        },
      };
    }
    const adapter = LoraAdapter.create(weights, loraConfig(adapterConfig), config.seed);
    if (checkpointPath) await readLoraAdapterGguf(checkpointPath, adapter);
    return {
      variables: count(adapter),
      trainItems: examples.length,
      finalFileName: 'adapter.gguf',
      train: (settings, hooks) => trainLora(weights, adapter, examples, settings, hooks),
      evaluate: evaluateWith(weights, adapter),
      ...loraAdapterFiles(adapter, base.architecture, request.job_uuid),
      dispose: () => {
        adapter.dispose();
        disposeLlamaWeights(weights);
      },
    };
  } catch (error) {
    disposeLlamaWeights(weights);
    throw error;
  }
}
