import { z } from 'zod';
import { ModelId } from '../common/common-schemas.js';

/**
 * What a provider knows about a model it serves: an optional Inference operation
 * (`Inference.modelInfo`), an extension used by the TGI-compatible `/info` route.
 */
export const InferenceModelInfoRequest = z
  .object({ model: ModelId.describe('The id of a registered model.') })
  .meta({ id: 'InferenceModelInfoRequest' });
export type InferenceModelInfoRequest = z.infer<typeof InferenceModelInfoRequest>;

export const InferenceModelInfo = z
  .object({
    context_length: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Most tokens (prompt and generated together) one sequence can hold, as the provider runs the model.',
      ),
    parallel_sequences: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Requests the provider generates for this model at once; callers that fan out (batches, synthetic ' +
          'data generation) keep this many in flight.',
      ),
  })
  .meta({ id: 'InferenceModelInfo' });
export type InferenceModelInfo = z.infer<typeof InferenceModelInfo>;
