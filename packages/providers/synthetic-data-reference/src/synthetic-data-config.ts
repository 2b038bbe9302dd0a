import { maxCandidatesPerPrompt } from '@llama-stack-ts/core';
import { z } from 'zod';

/**
 * The provider config: the defaults of every `options` field a request leaves out, and how runs
 * are executed. Every field is described with its default.
 */
export const SyntheticDataConfig = z
  .object({
    generation_model: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The registered llm that generates when a request names none (options.model). Default: none; then a request must name one.',
      ),
    reward_model: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The registered reward model that scores when a request names none (reward_scoring.model). Default: none.',
      ),
    k: z
      .number()
      .int()
      .min(1)
      .max(maxCandidatesPerPrompt)
      .default(4)
      .describe('Candidates generated per prompt. Default 4.'),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .default(0.8)
      .describe('Sampling temperature of the candidates. Default 0.8.'),
    max_tokens: z.number().int().min(1).default(128).describe('Most tokens per candidate. Default 128.'),
    top_k: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Candidates top_k and top_k_top_p keep per prompt. Default 1.'),
    top_p: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9)
      .describe('Normalised score mass top_p and top_k_top_p keep per prompt, in (0, 1]. Default 0.9.'),
    threshold: z
      .number()
      .default(0)
      .describe("The sigmoid filter's midpoint, on the reward model's scale. Default 0."),
    sigmoid_temperature: z
      .number()
      .gt(0)
      .default(1)
      .describe("How soft the sigmoid filter's cut is. Default 1."),
    max_concurrency: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe(
        "Candidates generated at once when the generation model's provider does not say how many sequences it runs " +
          '(llama.cpp does: its parallel_sequences). Default 4.',
      ),
    max_candidates_in_request: z
      .number()
      .int()
      .min(0)
      .default(256)
      .describe(
        'A run with more candidates than this (prompts x k) is queued in the job engine (when the distribution has ' +
          '`jobs:`) and answered at once with `job`; smaller ones are answered within the request. Default 256.',
      ),
  })
  .strict();
export type SyntheticDataConfig = z.infer<typeof SyntheticDataConfig>;
export type SyntheticDataConfigInput = z.input<typeof SyntheticDataConfig>;

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
export function sampleSyntheticDataConfig(_dataDir: string): Record<string, unknown> {
  return {
    generation_model: '${env.LLAMA_STACK_TS_MODEL_ID:=llama3.2-1b-instruct}',
    reward_model: 'judge',
    max_candidates_in_request: '${env.LLAMA_STACK_TS_SDG_MAX_CANDIDATES_IN_REQUEST:=256}',
  };
}
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
