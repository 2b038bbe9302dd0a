import { FinetuningAlgorithmConfig } from '@llama-stack-ts/core';
import { hubModelConfigFields } from '@llama-stack-ts/provider-utils/models';
import { z } from 'zod';

/**
 * A trainer outside this process: an executable that reads the job spec as JSON on stdin, reports
 * JSON lines on stdout and leaves its GGUF in the folder the spec names (command-trainer.ts; the
 * README documents the protocol).
 */
export const CommandTrainerConfig = z
  .object({
    type: z.literal('command'),
    command: z
      .array(z.string().min(1))
      .min(1)
      .describe('The executable and its arguments, run without a shell, e.g. [python3, /opt/train/sft.py].'),
    env: z
      .record(z.string(), z.string())
      .default({})
      .describe("Variables set for the command, over the worker's own environment. Default none."),
    cwd: z.string().min(1).optional().describe("The command's working directory. Default the worker's."),
    kill_grace_ms: z
      .number()
      .int()
      .nonnegative()
      .default(500)
      .describe(
        'On cancel the command gets SIGTERM, then SIGKILL this long after if it has not exited. Default 500.',
      ),
  })
  .strict();
export type CommandTrainerConfig = z.infer<typeof CommandTrainerConfig>;

/** The provider config; every field is described with its default. */
export const TfjsPostTrainingConfig = z
  .object({
    model_dir: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Where a base model's relative provider_model_id resolves: set it to the inference provider's model_dir " +
          "when that has one. Default: the manifest's directory, as inline::llama-cpp resolves it without one.",
      ),
    model_cache_dir: hubModelConfigFields.model_cache_dir.describe(
      "Where a base model's hf: file is found once the inference provider (or `llama-stack-ts models download`) has " +
        'downloaded it. Default: $LLAMA_STACK_TS_HOME/models, else ~/.llama-stack-ts/models, as inline::llama-cpp.',
    ),
    trainer: z
      .discriminatedUnion('type', [z.object({ type: z.literal('tfjs') }).strict(), CommandTrainerConfig])
      .default({ type: 'tfjs' })
      .describe(
        'What trains: tfjs, the built-in TensorFlow.js trainer, or command, an executable of yours (a torchtune or ' +
          'Unsloth script on a GPU worker) speaking the protocol in the README. Default tfjs.',
      ),
    backend: z
      .enum(['wasm', 'cpu'])
      .default('wasm')
      .describe(
        'The TensorFlow.js backend that trains: wasm (faster, measured by bench/train) or cpu. Default wasm.',
      ),
    checkpoint_every_steps: z
      .number()
      .int()
      .positive()
      .default(25)
      .describe(
        'Optimizer steps between checkpoints (adapter GGUF, optimizer state, step); a retried job resumes from the last. ' +
          'The last step is always checkpointed. Default 25.',
      ),
    seed: z
      .number()
      .int()
      .nonnegative()
      .default(42)
      .describe('Seeds the adapter initialisation and the per-epoch shuffle. Default 42.'),
    dpo_adapter: FinetuningAlgorithmConfig.default({
      lora_attn_modules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
      apply_lora_to_mlp: true,
      apply_lora_to_output: false,
      rank: 8,
      alpha: 16,
    }).describe(
      'The LoRA adapter DPO trains as the policy (a preference_optimize request carries no adapter settings; the reference is the model without it). ' +
        'Default: q_proj, k_proj, v_proj, output_proj and the MLP, rank 8, alpha 16.',
    ),
  })
  .strict();
export type TfjsPostTrainingConfig = z.infer<typeof TfjsPostTrainingConfig>;
export type TfjsPostTrainingConfigInput = z.input<typeof TfjsPostTrainingConfig>;

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
export function sampleTfjsPostTrainingConfig(_dataDir: string): Record<string, unknown> {
  return {
    backend: '${env.LLAMA_STACK_TS_TRAINER_BACKEND:=wasm}',
    checkpoint_every_steps: '${env.LLAMA_STACK_TS_TRAINER_CHECKPOINT_EVERY_STEPS:=25}',
  };
}
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
