import { z } from 'zod';
import { Dialog, Message, ModelId } from '../common/common-schemas.js';

/** Wire types of the RewardScoring API (`api_definitions.py` of the July 2024 draft). */

export const KPromptGenerations = z
  .object({
    dialog: Dialog.describe('The prompt: a conversation whose last message the generations answer.'),
    k_generations: z.array(Message).min(1, 'must hold at least one generation to score'),
  })
  .meta({ id: 'KPromptGenerations', description: 'A prompt and k candidate answers to it.' });
export type KPromptGenerations = z.infer<typeof KPromptGenerations>;

export const ScoredMessage = z
  .object({
    message: Message,
    score: z.number(),
  })
  .meta({ id: 'ScoredMessage' });
export type ScoredMessage = z.infer<typeof ScoredMessage>;

export const KScoredPromptGenerations = z
  .object({
    prompt: Message,
    k_scored_generations: z.array(ScoredMessage),
  })
  .meta({
    id: 'KScoredPromptGenerations',
    description: 'A prompt and its generations, each with its reward.',
  });
export type KScoredPromptGenerations = z.infer<typeof KScoredPromptGenerations>;

export const RewardScoringRequest = z
  .object({
    prompt_generations: z
      .array(KPromptGenerations)
      .min(1, 'must hold at least one prompt and its generations'),
    model: ModelId.describe('A registered reward model id.'),
  })
  .meta({
    id: 'RewardScoringRequest',
    description: 'Prompts, each with k generations to score with a reward model.',
  });
export type RewardScoringRequest = z.infer<typeof RewardScoringRequest>;
export type RewardScoringRequestInput = z.input<typeof RewardScoringRequest>;

export const RewardScoringResponse = z
  .object({
    scored_generations: z.array(KScoredPromptGenerations),
  })
  .meta({
    id: 'RewardScoringResponse',
    description: 'The (prompt, generation, score) triples, grouped by prompt in the order asked.',
  });
export type RewardScoringResponse = z.infer<typeof RewardScoringResponse>;
