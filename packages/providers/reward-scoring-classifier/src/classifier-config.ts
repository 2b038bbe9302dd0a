import { hubModelConfigFields } from '@llama-stack-ts/provider-utils/models';
import { z } from 'zod';

/** What a reward model of this provider reads its score from; a model's `metadata` may override each. */
export const ClassifierSettings = z.object({
  label: z
    .union([z.string().min(1), z.number().int().min(0)])
    .optional()
    .describe(
      "Which class is the reward: a label of the model's config.json id2label (case-insensitive) or its index. " +
        'Default: the last class (the only one of a single-logit reward model; "positive" of a two-class one).',
    ),
  score: z
    .enum(['logit', 'probability'])
    .default('logit')
    .describe("'logit' (default): the label's raw logit; 'probability': its softmax probability, in [0, 1]."),
  dtype: z
    .string()
    .min(1)
    .default('fp32')
    .describe(
      'Which ONNX weights to load: fp32 (onnx/model.onnx, default), q8 (onnx/model_quantized.onnx), ...',
    ),
});
export type ClassifierSettings = z.infer<typeof ClassifierSettings>;

export const ClassifierRewardConfig = ClassifierSettings.extend({
  model_cache_dir: hubModelConfigFields.model_cache_dir,
  allow_remote_models: hubModelConfigFields.allow_remote_models,
  preload: z
    .boolean()
    .default(false)
    .describe('Load every reward model at start-up. Default false: a model loads on its first call.'),
  threads: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("onnxruntime intra-op threads per model. Default: onnxruntime's choice (the physical cores)."),
  max_batch_size: z
    .number()
    .int()
    .positive()
    .default(16)
    .describe('(prompt, answer) pairs per forward pass. Default 16.'),
}).strict();
export type ClassifierRewardConfig = z.infer<typeof ClassifierRewardConfig>;
export type ClassifierRewardConfigInput = z.input<typeof ClassifierRewardConfig>;

/** The fields of `ClassifierSettings` a reward model's metadata may set. */
export const classifierSettingNames = ['label', 'score', 'dtype'] as const;

export function sampleClassifierRewardConfig(_dataDir: string): Record<string, unknown> {
  return { score: 'logit', preload: false };
}
