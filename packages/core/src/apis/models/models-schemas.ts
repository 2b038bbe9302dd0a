import { z } from 'zod';
import { JsonObject } from '../common/common-schemas.js';

export const ModelType = z.enum(['llm', 'embedding', 'reward']).meta({
  id: 'ModelType',
  description:
    'llm: generates text (inference); embedding: computes vectors (inference/embeddings); reward: scores ' +
    'generations (reward_scoring), registered with a reward_scoring provider, which names what runs it in ' +
    '`provider_resource_id` (a judge llm model id, a classifier folder or hub id).',
});
export type ModelType = z.infer<typeof ModelType>;

export const Model = z
  .object({
    identifier: z.string().describe('The id clients send as `model`.'),
    provider_id: z.string().describe('The provider (manifest `provider_id`) that serves the model.'),
    provider_resource_id: z
      .string()
      .describe("The model's id inside its provider: a path, an hf: reference, a remote name."),
    model_type: ModelType,
    metadata: JsonObject.default({}),
  })
  .meta({ id: 'Model', description: 'A model registered in the distribution.' });
export type Model = z.infer<typeof Model>;

export const ListModelsResponse = z.object({ data: z.array(Model) }).meta({ id: 'ListModelsResponse' });
export type ListModelsResponse = z.infer<typeof ListModelsResponse>;

export const GetModelRequest = z.object({ identifier: z.string().min(1) });
export type GetModelRequest = z.infer<typeof GetModelRequest>;
