import type { StackProvider } from '../create-stack.js';
import type { ModelRegistry } from '../routing/model-registry.js';

export interface ProviderModelDiscoveryOptions {
  models: ModelRegistry;
  /** The providers created so far (the stack adds to this list while it starts). */
  providers: readonly StackProvider[];
  /** The least time between two rounds of asking the providers again; default 5 s. */
  intervalMs?: number;
}

/**
 * The models providers find on their own (`ProviderInstance.discoverModels`: a remote provider's
 * upstream models), registered under the provider that found them unless the id is registered
 * already. `refresh()` asks every such provider again, at most once per `intervalMs` (a request
 * naming an unknown model must not make each one call the upstream), concurrent callers sharing
 * the round in flight.
 */
export class ProviderModelDiscovery {
  readonly #models: ModelRegistry;
  readonly #providers: readonly StackProvider[];
  readonly #intervalMs: number;
  #lastRoundAt = Number.NEGATIVE_INFINITY;
  #round: Promise<void> | undefined;

  constructor(options: ProviderModelDiscoveryOptions) {
    this.#models = options.models;
    this.#providers = options.providers;
    this.#intervalMs = options.intervalMs ?? 5000;
  }

  /** Registers what `provider` finds now: at start-up, right after its `create()`. */
  async discover(provider: StackProvider): Promise<void> {
    for (const model of (await provider.instance.discoverModels?.()) ?? []) {
      if (this.#models.lookup(model.identifier)) continue; // the manifest's registration wins
      this.#models.add({ ...model, provider_id: provider.providerId, metadata: {} });
    }
  }

  refresh(): Promise<void> {
    if (this.#round) return this.#round;
    if (performance.now() - this.#lastRoundAt < this.#intervalMs) return Promise.resolve();
    this.#lastRoundAt = performance.now();
    this.#round = Promise.all(this.#providers.map((provider) => this.discover(provider)))
      .then(() => undefined)
      .finally(() => {
        this.#round = undefined;
      });
    return this.#round;
  }
}
