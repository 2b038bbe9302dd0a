import {
  type FilteringFunction,
  InvalidRequestError,
  type Message,
  type SyntheticDataGenerationRequest,
} from '@llama-stack-ts/core';
import type { FilterSettings } from './filters/filter-candidates.js';
import type { SyntheticDataConfig } from './synthetic-data-config.js';

/** A run with every setting decided: what a job stores, so a retry runs exactly the same. */
export interface ResolvedRun {
  prompts: Message[];
  filteringFunction: FilteringFunction;
  generationModel: string;
  rewardModel: string;
  k: number;
  temperature: number;
  maxTokens: number;
  seed: number;
  filter: FilterSettings;
  /** The dataset uuid to write the kept candidates to; absent: not saved. */
  datasetId?: string | undefined;
}

/**
 * The request's settings over the config's defaults. A missing model is a 400 naming the request
 * field that would set it; `true` for save_as_dataset becomes `newDatasetId()`; an absent seed
 * becomes `newSeed()`.
 */
export function resolveRun(
  request: SyntheticDataGenerationRequest,
  config: SyntheticDataConfig,
  fresh: { newSeed(): number; newDatasetId(): string },
): ResolvedRun {
  const { options } = request;
  const generationModel = options.model ?? config.generation_model;
  if (!generationModel) {
    throw new InvalidRequestError(
      'options.model',
      'required: the registered llm that generates the candidates (this provider has no generation_model default).',
    );
  }
  const rewardModel = request.reward_scoring?.model ?? config.reward_model;
  if (!rewardModel) {
    throw new InvalidRequestError(
      'reward_scoring.model',
      'required: the registered reward model that scores the candidates (this provider has no reward_model default).',
    );
  }
  const save = options.save_as_dataset;
  return {
    prompts: request.prompts,
    filteringFunction: request.filtering_function,
    generationModel,
    rewardModel,
    k: options.k ?? config.k,
    temperature: options.temperature ?? config.temperature,
    maxTokens: options.max_tokens ?? config.max_tokens,
    seed: options.seed ?? fresh.newSeed(),
    filter: {
      topK: options.top_k ?? config.top_k,
      topP: options.top_p ?? config.top_p,
      threshold: options.threshold ?? config.threshold,
      sigmoidTemperature: options.sigmoid_temperature ?? config.sigmoid_temperature,
    },
    datasetId: save === true ? fresh.newDatasetId() : save,
  };
}
