import { z } from 'zod';
import { JsonObject, ModelId, URL } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';
import { Dataset } from '../datasets/datasets-schemas.js';

/**
 * Wire types of the PostTraining API (`post_training_types.py` and `api_definitions.py` of the July
 * 2024 draft). Date-times are ISO 8601 strings with an offset, as the draft's `datetime` is on the wire.
 */

export const OptimizerType = z.enum(['adam', 'adamw', 'sgd']).meta({ id: 'OptimizerType' });
export type OptimizerType = z.infer<typeof OptimizerType>;

export const OptimizerConfig = z
  .object({
    optimizer_type: OptimizerType,
    lr: z.number().positive().describe('Learning rate.'),
    lr_min: z.number().nonnegative().describe('Lowest learning rate the schedule decays to.'),
    weight_decay: z.number().nonnegative(),
  })
  .refine((config) => config.lr_min <= config.lr, {
    path: ['lr_min'],
    message: 'must not exceed lr (the schedule decays from lr down to lr_min)',
  })
  .meta({ id: 'OptimizerConfig' });
export type OptimizerConfig = z.infer<typeof OptimizerConfig>;

export const TrainingConfig = z
  .object({
    n_epochs: z.number().int().positive(),
    batch_size: z.number().int().positive(),
    shuffle: z.boolean(),
    n_iters: z.number().int().nonnegative().describe('Optimizer steps per epoch.'),
    enable_activation_checkpointing: z.boolean(),
    memory_efficient_fsdp_wrap: z.boolean(),
    fsdp_cpu_offload: z.boolean(),
  })
  .meta({ id: 'TrainingConfig' });
export type TrainingConfig = z.infer<typeof TrainingConfig>;

export const FinetuningAlgorithm = z
  .enum(['full', 'lora', 'qlora', 'dora'])
  .meta({ id: 'FinetuningAlgorithm' });
export type FinetuningAlgorithm = z.infer<typeof FinetuningAlgorithm>;

const loraShape = {
  lora_attn_modules: z
    .array(z.string().min(1))
    .describe('Attention projections that get adapters, e.g. q_proj, k_proj, v_proj, output_proj.'),
  apply_lora_to_mlp: z.boolean(),
  apply_lora_to_output: z.boolean(),
  rank: z.number().int().positive().describe('Rank of the adapter matrices.'),
  alpha: z.number().int().positive().describe('Scaling of the adapter output (alpha / rank).'),
};

export const LoraFinetuningConfig = z.object(loraShape).meta({ id: 'LoraFinetuningConfig' });
export type LoraFinetuningConfig = z.infer<typeof LoraFinetuningConfig>;

export const QLoraFinetuningConfig = z.object(loraShape).meta({ id: 'QLoraFinetuningConfig' });
export type QLoraFinetuningConfig = z.infer<typeof QLoraFinetuningConfig>;

export const DoraFinetuningConfig = z.object(loraShape).meta({ id: 'DoraFinetuningConfig' });
export type DoraFinetuningConfig = z.infer<typeof DoraFinetuningConfig>;

/**
 * The draft's `Union[LoraFinetuningConfig, QLoraFinetuningConfig, DoraFinetuningConfig]`. The three
 * share one shape, so one schema validates them all (a zod union of identical shapes would only
 * blur its error messages); `algorithm` says which of them it is.
 */
export const FinetuningAlgorithmConfig = z.object(loraShape).meta({
  id: 'FinetuningAlgorithmConfig',
  description:
    'LoraFinetuningConfig, QLoraFinetuningConfig or DoraFinetuningConfig: one shape, told apart by `algorithm`.',
});
export type FinetuningAlgorithmConfig = z.infer<typeof FinetuningAlgorithmConfig>;

export const RLHFAlgorithm = z.enum(['dpo']).meta({ id: 'RLHFAlgorithm' });
export type RLHFAlgorithm = z.infer<typeof RLHFAlgorithm>;

export const DPOAlignmentConfig = z
  .object({
    reward_scale: z.number(),
    reward_clip: z.number(),
    epsilon: z.number(),
    gamma: z.number(),
  })
  .meta({ id: 'DPOAlignmentConfig' });
export type DPOAlignmentConfig = z.infer<typeof DPOAlignmentConfig>;

const JobUuid = identifier('must be a non-empty job id');

/** Fields both kinds of training request share. */
const trainingJobShape = {
  job_uuid: JobUuid.describe('The id the client picks for the job; the job routes take it as `job_uuid`.'),
  dataset: Dataset,
  validation_dataset: Dataset,
  optimizer_config: OptimizerConfig,
  training_config: TrainingConfig,
  hyperparam_search_config: JsonObject.default({}).describe(
    'Left open by the draft (required there); optional here and passed to the provider as is.',
  ),
  logger_config: JsonObject.default({}).describe(
    'Left open by the draft (required there); optional here and passed to the provider as is.',
  ),
};

export const PostTrainingSFTRequest = z
  .object({
    ...trainingJobShape,
    model: ModelId.describe('A registered model id: the base model to fine-tune.'),
    algorithm: FinetuningAlgorithm,
    algorithm_config: FinetuningAlgorithmConfig.optional().describe(
      'Adapter settings; required for lora, qlora and dora, unused by full fine-tuning.',
    ),
  })
  .superRefine((request, context) => {
    if (request.algorithm !== 'full' && request.algorithm_config === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['algorithm_config'],
        message: `required when algorithm is ${request.algorithm}: lora_attn_modules, apply_lora_to_mlp, apply_lora_to_output, rank, alpha`,
      });
    }
  })
  .meta({ id: 'PostTrainingSFTRequest', description: 'A supervised fine-tuning job.' });
export type PostTrainingSFTRequest = z.infer<typeof PostTrainingSFTRequest>;
export type PostTrainingSFTRequestInput = z.input<typeof PostTrainingSFTRequest>;

export const PostTrainingRLHFRequest = z
  .object({
    ...trainingJobShape,
    finetuned_model: z
      .string()
      .min(1, 'must name the model to align: a URL of a checkpoint or a registered model id')
      .describe(
        'The model to align. The draft types it as a URL (http(s)://, file://); a registered model id is accepted too.',
      ),
    algorithm: RLHFAlgorithm,
    algorithm_config: DPOAlignmentConfig,
  })
  .meta({ id: 'PostTrainingRLHFRequest', description: 'A preference optimization (RLHF) job.' });
export type PostTrainingRLHFRequest = z.infer<typeof PostTrainingRLHFRequest>;
export type PostTrainingRLHFRequestInput = z.input<typeof PostTrainingRLHFRequest>;

/** The query of the job routes. */
export const PostTrainingJobRequest = z.object({
  job_uuid: JobUuid.describe('The job_uuid of the training request.'),
});
export type PostTrainingJobRequest = z.infer<typeof PostTrainingJobRequest>;

export const PostTrainingJobStatus = z
  .enum(['running', 'completed', 'failed', 'scheduled'])
  .meta({ id: 'PostTrainingJobStatus' });
export type PostTrainingJobStatus = z.infer<typeof PostTrainingJobStatus>;

export const Checkpoint = z
  .object({
    iters: z.number().int().nonnegative().describe('Optimizer steps done when the checkpoint was written.'),
    path: URL,
  })
  .meta({ id: 'Checkpoint' });
export type Checkpoint = z.infer<typeof Checkpoint>;

const DateTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time, e.g. 2024-07-23T10:00:00Z',
});

export const PostTrainingJobStatusResponse = z
  .object({
    job_uuid: z.string(),
    status: PostTrainingJobStatus,
    scheduled_at: DateTime.nullish(),
    started_at: DateTime.nullish(),
    completed_at: DateTime.nullish(),
    resources_allocated: JsonObject.nullish(),
    checkpoints: z.array(Checkpoint).default([]),
  })
  .meta({ id: 'PostTrainingJobStatusResponse', description: 'Status of a training job.' });
export type PostTrainingJobStatusResponse = z.infer<typeof PostTrainingJobStatusResponse>;

export const PostTrainingJobArtifactsResponse = z
  .object({
    job_uuid: z.string(),
    checkpoints: z.array(Checkpoint).default([]),
  })
  .meta({ id: 'PostTrainingJobArtifactsResponse', description: 'Artifacts of a training job.' });
export type PostTrainingJobArtifactsResponse = z.infer<typeof PostTrainingJobArtifactsResponse>;

export const PostTrainingJobLogStream = z
  .object({
    job_uuid: z.string(),
    log_lines: z.array(z.string()),
  })
  .meta({ id: 'PostTrainingJobLogStream', description: 'The log lines of a training job so far.' });
export type PostTrainingJobLogStream = z.infer<typeof PostTrainingJobLogStream>;

export const PostTrainingJobLogLine = z
  .object({
    job_uuid: z.string(),
    line: z.string().describe('One log line, e.g. a step line: step, loss, lr, tokens/s and ETA.'),
  })
  .meta({
    id: 'PostTrainingJobLogLine',
    description: 'One event of the log stream: the lines so far, then each new one until the job ends.',
  });
export type PostTrainingJobLogLine = z.infer<typeof PostTrainingJobLogLine>;
