import { z } from 'zod';
import { JsonObject, Message, ModelId } from '../common/common-schemas.js';
import { KScoredPromptGenerations } from '../reward-scoring/reward-scoring-schemas.js';

/** Wire types of the SyntheticDataGeneration API (`api_definitions.py` of the July 2024 draft). */

export const FilteringFunction = z.enum(['none', 'random', 'top_k', 'top_p', 'top_k_top_p', 'sigmoid']).meta({
  id: 'FilteringFunction',
  description: 'How scored generations are filtered before they are returned.',
});
export type FilteringFunction = z.infer<typeof FilteringFunction>;

export const SyntheticDataRewardScoring = z
  .looseObject({
    model: ModelId.optional().describe('The registered reward model that scores the generations.'),
  })
  .meta({
    id: 'SyntheticDataRewardScoring',
    description:
      'How generations are scored. The draft types this field as the RewardScoring API itself (an object ' +
      'with no fixed fields); here its settings, with `model` named and other keys passed to the provider.',
  });
export type SyntheticDataRewardScoring = z.infer<typeof SyntheticDataRewardScoring>;

export const SyntheticDataGenerationRequest = z
  .object({
    prompts: z.array(Message).min(1, 'must hold at least one prompt'),
    filtering_function: FilteringFunction.default('none'),
    reward_scoring: SyntheticDataRewardScoring.nullish(),
    model: ModelId.optional().describe(
      'The registered model that generates. An extension of the draft; defaults to the provider config.',
    ),
  })
  .meta({
    id: 'SyntheticDataGenerationRequest',
    description: 'A small batch of prompts to generate answers for, and how to filter the scored answers.',
  });
export type SyntheticDataGenerationRequest = z.infer<typeof SyntheticDataGenerationRequest>;
export type SyntheticDataGenerationRequestInput = z.input<typeof SyntheticDataGenerationRequest>;

export const SyntheticDataGenerationResponse = z
  .object({
    synthetic_data: z.array(KScoredPromptGenerations),
    statistics: JsonObject.nullish(),
  })
  .meta({
    id: 'SyntheticDataGenerationResponse',
    description: 'The (prompt, generation, score) triples that passed the filter.',
  });
export type SyntheticDataGenerationResponse = z.infer<typeof SyntheticDataGenerationResponse>;
