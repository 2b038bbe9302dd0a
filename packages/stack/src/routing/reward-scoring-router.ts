import {
  DisposedError,
  InvalidRequestError,
  type RequestOptions,
  type RewardScoring,
  type RewardScoringRequest,
  type RewardScoringResponse,
} from '@llama-stack-ts/core';
import type { ModelRegistry } from './model-registry.js';

/** A reward scoring provider the router can send a call to. */
export interface RoutedRewardScoringProvider {
  providerId: string;
  implementation: RewardScoring;
}

/**
 * The RewardScoring API over every reward scoring provider of a stack (an LLM judge, a classifier):
 * a call goes to the provider its `model` is registered with (the model's `provider_id`). An
 * unknown model is a 404 that says how to register it; a model that is not `model_type: reward` a
 * 400 that says what it is.
 */
export class RewardScoringRouter implements RewardScoring {
  readonly #registry: ModelRegistry;
  readonly #providers: ReadonlyMap<string, RewardScoring>;
  #closed = false;

  constructor(registry: ModelRegistry, providers: readonly RoutedRewardScoringProvider[]) {
    this.#registry = registry;
    this.#providers = new Map(providers.map((provider) => [provider.providerId, provider.implementation]));
  }

  async score(request: RewardScoringRequest, options?: RequestOptions): Promise<RewardScoringResponse> {
    if (this.#closed) throw new DisposedError('The reward scoring router');
    const model = await this.#registry.find(request.model);
    if (model.model_type !== 'reward') {
      throw new InvalidRequestError(
        'model',
        `model '${model.identifier}' is an ${model.model_type} model; reward scoring needs a model registered ` +
          'with model_type: reward (GET /models/list shows each model_type).',
      );
    }
    const provider = this.#providers.get(model.provider_id);
    if (!provider) {
      throw new InvalidRequestError(
        'model',
        `reward model '${model.identifier}' is registered with provider '${model.provider_id}', which does not serve reward_scoring.`,
      );
    }
    return provider.score(request, options);
  }

  /** Calls after this fail with `DisposedError`; the stack disposes the providers themselves. */
  close(): void {
    this.#closed = true;
  }
}
