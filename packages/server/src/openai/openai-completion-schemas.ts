import { z } from 'zod';
import {
  ChoiceCount,
  MaxTokens,
  Penalty,
  RepetitionPenalty,
  Seed,
  Stop,
  StreamOptions,
  Temperature,
  TopK,
  TopP,
  textOrTexts,
} from './openai-common-schemas.js';

/** The request of `POST /v1/completions` (the legacy text completion API): the fields this server reads. */
export const CompletionCreateRequest = z.object({
  model: z.string().nullish(),
  prompt: textOrTexts('prompt'),
  best_of: z.number().int('must be an integer').min(1).nullish(),
  echo: z.boolean().nullish(),
  frequency_penalty: Penalty,
  presence_penalty: Penalty,
  logprobs: z.number().int('must be an integer').min(0).max(5, 'must be at most 5').nullish(),
  max_tokens: MaxTokens,
  n: ChoiceCount,
  seed: Seed,
  stop: Stop,
  stream: z.boolean().nullish(),
  stream_options: StreamOptions,
  suffix: z.string().nullish(),
  temperature: Temperature,
  top_p: TopP,
  top_k: TopK,
  repetition_penalty: RepetitionPenalty,
});
export type CompletionCreateRequest = z.infer<typeof CompletionCreateRequest>;
