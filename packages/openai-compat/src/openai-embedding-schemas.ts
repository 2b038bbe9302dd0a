import { z } from 'zod';
import { textOrTexts } from './openai-common-schemas.js';

/** The request of `POST /v1/embeddings`: the fields this server reads. */
export const EmbeddingCreateRequest = z
  .object({
    model: z.string().nullish(),
    input: textOrTexts('input'),
    encoding_format: z.enum(['float', 'base64'], { error: "must be 'float' or 'base64'" }).nullish(),
    dimensions: z.number().int('must be an integer').min(1).nullish(),
    user: z.string().nullish(),
  })
  .meta({ id: 'OpenAiEmbeddingRequest' });
export type EmbeddingCreateRequest = z.infer<typeof EmbeddingCreateRequest>;
