import { z } from 'zod';
import { Message, ModelId } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';
import { KScoredPromptGenerations } from '../reward-scoring/reward-scoring-schemas.js';

/** Wire types of the SyntheticDataGeneration API (`api_definitions.py` of the July 2024 draft). */

export const FilteringFunction = z.enum(['none', 'random', 'top_k', 'top_p', 'top_k_top_p', 'sigmoid']).meta({
  id: 'FilteringFunction',
  description:
    'How the scored candidates of each prompt are filtered. none: all kept; random: one kept at random ' +
    '(seeded); top_k: the `options.top_k` best; top_p: the fewest best whose softmax-normalised scores sum to ' +
    'at least `options.top_p`; top_k_top_p: both (at most top_k, no more than top_p needs); sigmoid: each ' +
    'kept with probability sigmoid((score - threshold) / sigmoid_temperature) (seeded).',
});
export type FilteringFunction = z.infer<typeof FilteringFunction>;

export const SyntheticDataRewardScoring = z
  .object({
    model: ModelId.optional().describe(
      'The registered reward model (model_type: reward) that scores the candidates. Default: the provider config.',
    ),
  })
  .strict()
  .meta({
    id: 'SyntheticDataRewardScoring',
    description:
      'Which reward model scores the candidates. The draft types this field as the RewardScoring API itself ' +
      '(an object with no fields); the filter settings are in `options`.',
  });
export type SyntheticDataRewardScoring = z.infer<typeof SyntheticDataRewardScoring>;

/** Most candidates one prompt may ask for. */
export const maxCandidatesPerPrompt = 64;

const DatasetName = identifier('must name the dataset to create (its uuid)');

export const SyntheticDataGenerationOptions = z
  .object({
    k: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1: the candidates generated per prompt')
      .max(maxCandidatesPerPrompt, `must be at most ${maxCandidatesPerPrompt}`)
      .optional()
      .describe('Candidates generated per prompt. Default: the provider config (4).'),
    model: ModelId.optional().describe(
      'The registered llm that generates the candidates. Default: the provider config.',
    ),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe(
        'Sampling temperature of the candidates; 0 makes all k alike. Default: the provider config (0.8).',
      ),
    max_tokens: z
      .number()
      .int('must be a whole number')
      .min(1)
      .optional()
      .describe('Most tokens per candidate. Default: the provider config (128).'),
    seed: z
      .number()
      .int('must be a whole number')
      .min(0)
      .max(2 ** 31 - 1)
      .optional()
      .describe(
        'Seeds the sampling of every candidate and the random and sigmoid filters: the same request and seed ' +
          'give the same answer. Default: a random seed, reported in `statistics.seed`.',
      ),
    top_k: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .optional()
      .describe('top_k and top_k_top_p: candidates kept per prompt, best first. Default 1.'),
    top_p: z
      .number()
      .gt(0, 'must be in (0, 1]')
      .max(1, 'must be in (0, 1]')
      .optional()
      .describe(
        'top_p and top_k_top_p: keep the fewest best candidates whose softmax-normalised scores sum to at least this. Default 0.9.',
      ),
    threshold: z
      .number()
      .optional()
      .describe("sigmoid: the score kept with probability 1/2, on the reward model's scale. Default 0."),
    sigmoid_temperature: z
      .number()
      .gt(0, 'must be above 0')
      .optional()
      .describe('sigmoid: how soft the cut at `threshold` is, on the score scale. Default 1.'),
    save_as_dataset: z
      .union([z.literal(true), DatasetName], { error: 'must be true (a generated id) or a dataset uuid' })
      .optional()
      .describe(
        'Write the kept candidates as a dataset through the Datasets API (columns: dialog = [prompt, answer], ' +
          'score) under this uuid, or a generated one when true; the response names it in `dataset_id`.',
      ),
  })
  .strict()
  .meta({
    id: 'SyntheticDataGenerationOptions',
    description:
      'An extension: what the draft leaves to the implementation (k, the generation model, sampling, the ' +
      "filters' settings, the seed, saving). Every field is optional; the defaults come from the provider config.",
  });
export type SyntheticDataGenerationOptions = z.infer<typeof SyntheticDataGenerationOptions>;

export const SyntheticDataGenerationRequest = z
  .object({
    prompts: z.array(Message).min(1, 'must hold at least one prompt'),
    filtering_function: FilteringFunction.default('none'),
    reward_scoring: SyntheticDataRewardScoring.nullish(),
    options: SyntheticDataGenerationOptions.prefault({}),
  })
  .meta({
    id: 'SyntheticDataGenerationRequest',
    description:
      'A batch of prompts: k candidates are generated for each, scored by a reward model and filtered per prompt.',
  });
export type SyntheticDataGenerationRequest = z.infer<typeof SyntheticDataGenerationRequest>;
export type SyntheticDataGenerationRequestInput = z.input<typeof SyntheticDataGenerationRequest>;

export const SyntheticDataStatistics = z
  .looseObject({
    prompts: z.number().int().nonnegative(),
    candidates: z.number().int().nonnegative().describe('Candidates generated and scored.'),
    kept: z.number().int().nonnegative().describe('Candidates the filter kept.'),
    kept_ratio: z.number().describe('kept / candidates.'),
    score_mean: z.number().nullable().describe('Over every candidate scored; null when none was.'),
    score_min: z.number().nullable(),
    score_max: z.number().nullable(),
    tokens_generated: z.number().int().nonnegative().describe('Tokens of every candidate.'),
    wall_time_ms: z.number().nonnegative().describe('From the first generation to the answer.'),
    generation_ms: z.number().nonnegative().describe('Time during which some candidate was generating.'),
    scoring_ms: z.number().nonnegative().describe('Time during which some candidates were being scored.'),
    seed: z.number().int().describe('The seed used: the request seed, or the one drawn for it.'),
  })
  .meta({ id: 'SyntheticDataStatistics', description: 'What a run did and how long it took.' });
export type SyntheticDataStatistics = z.infer<typeof SyntheticDataStatistics>;

export const SyntheticDataGenerationJobStatus = z
  .enum(['scheduled', 'running', 'completed', 'failed', 'cancelled'])
  .meta({ id: 'SyntheticDataGenerationJobStatus' });
export type SyntheticDataGenerationJobStatus = z.infer<typeof SyntheticDataGenerationJobStatus>;

const JobId = identifier('must name a job (the job.job_id a generate call answered with)');

const resultFields = {
  synthetic_data: z.array(KScoredPromptGenerations),
  statistics: SyntheticDataStatistics.nullish(),
  dataset_id: z
    .string()
    .nullish()
    .describe('The dataset written when `options.save_as_dataset` was set. An extension.'),
};

export const SyntheticDataGenerationResult = z.object(resultFields).meta({
  id: 'SyntheticDataGenerationResult',
  description: 'The (prompt, generation, score) triples that passed the filter, per prompt in request order.',
});
export type SyntheticDataGenerationResult = z.infer<typeof SyntheticDataGenerationResult>;

export const SyntheticDataGenerationJob = z
  .object({
    job_id: z.string(),
    status: SyntheticDataGenerationJobStatus,
    candidates_scored: z
      .number()
      .int()
      .nonnegative()
      .describe('Progress: candidates generated and scored so far.'),
    candidates_total: z.number().int().nonnegative(),
    created_at: z.iso.datetime({ offset: true }),
    finished_at: z.iso.datetime({ offset: true }).nullish(),
    error: z.string().nullish().describe('Why the job failed or was cancelled.'),
    result: SyntheticDataGenerationResult.nullish().describe('The answer, once the job has completed.'),
  })
  .meta({
    id: 'SyntheticDataGenerationJob',
    description: 'A run too large to hold a request open for, in the job engine.',
  });
export type SyntheticDataGenerationJob = z.infer<typeof SyntheticDataGenerationJob>;

export const SyntheticDataGenerationResponse = z
  .object({
    ...resultFields,
    job: SyntheticDataGenerationJob.nullish().describe(
      'Set when the run has more candidates than the provider runs within a request: it was queued as this ' +
        'job, `synthetic_data` is empty, and the result comes from GET /synthetic_data_generation/job/status. ' +
        'An extension.',
    ),
  })
  .meta({
    id: 'SyntheticDataGenerationResponse',
    description:
      'The (prompt, generation, score) triples that passed the filter, or the job that will make them.',
  });
export type SyntheticDataGenerationResponse = z.infer<typeof SyntheticDataGenerationResponse>;

export const SyntheticDataGenerationJobRequest = z
  .object({ job_id: JobId })
  .meta({ id: 'SyntheticDataGenerationJobRequest' });
export type SyntheticDataGenerationJobRequest = z.infer<typeof SyntheticDataGenerationJobRequest>;
