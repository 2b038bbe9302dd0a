import { z } from 'zod';

/**
 * The rubric the judge model reads (the user's turn after the answer) when neither the config nor
 * the reward model's metadata sets one. `{min_score}` and `{max_score}` are replaced by the range.
 * Short on purpose: when the judge continues the sequence that generated the answer, the rubric is
 * all it reads, so its length is what scoring costs. A three-sentence rubric (168 stories260K tokens)
 * held bench/sdg to 0.30 of raw generation; this one (29 tokens) to 0.74. Where the judge needs more
 * guidance, a reward model's metadata sets a longer one.
 */
export const defaultRubric = 'How helpful and correct was your answer, {min_score} to {max_score}?';

const digit = (what: string) =>
  z
    .number()
    .int('must be a whole number')
    .min(0, 'must be a single digit, 0 to 9')
    .max(9, 'must be a single digit, 0 to 9')
    .describe(what);

/**
 * The provider config: how the judge rates. A reward model's `metadata` may set any of these fields
 * for that model alone (`rubric`, `min_score`, `max_score`), checked by the same schema.
 */
export const LlmJudgeConfig = z
  .object({
    rubric: z
      .string()
      .min(1)
      .default(defaultRubric)
      .describe(
        "The judge model's instructions, read as the user's turn after the answer: how to rate it. `{min_score}` " +
          'and `{max_score}` are replaced by the range. Default: helpfulness and correctness (see README).',
      ),
    min_score: digit('The lowest score, 0 to 9. Default 1.').default(1),
    max_score: digit('The highest score, 0 to 9. Default 5.').default(5),
  })
  .strict()
  .refine((settings) => settings.min_score < settings.max_score, {
    path: ['max_score'],
    message: 'must be above min_score',
  });
export type LlmJudgeConfig = z.infer<typeof LlmJudgeConfig>;
export type LlmJudgeConfigInput = z.input<typeof LlmJudgeConfig>;

/** The fields of `LlmJudgeConfig` a reward model's metadata may override. */
export const judgeSettingNames = ['rubric', 'min_score', 'max_score'] as const;

export function sampleLlmJudgeConfig(_dataDir: string): Record<string, unknown> {
  return { min_score: 1, max_score: 5 };
}
