import { z } from 'zod';
import { generationRequestFields, textOrTexts } from './openai-common-schemas.js';

/** The request of `POST /v1/completions` (the legacy text completion API): the fields this server reads. */
export const CompletionCreateRequest = z
  .object({
    ...generationRequestFields,
    prompt: textOrTexts('prompt'),
    best_of: z.number().int('must be an integer').min(1).nullish(),
    echo: z.boolean().nullish(),
    logprobs: z.number().int('must be an integer').min(0).max(5, 'must be at most 5').nullish(),
    suffix: z.string().nullish(),
  })
  .meta({ id: 'OpenAiCompletionRequest' });
export type CompletionCreateRequest = z.infer<typeof CompletionCreateRequest>;
