import { isDeepStrictEqual } from 'node:util';
import {
  type ApiName,
  ConflictError,
  InvalidRequestError,
  Model,
  type ModelRegistrations,
} from '@llama-stack-ts/core';
import type { StackProvider } from '../create-stack.js';
import type { ModelRegistry } from '../routing/model-registry.js';
import type { StackLogger } from '../stack-logger.js';
import type { RegisteredModelsFile } from './registered-models-file.js';

export interface StackModelRegistrationsOptions {
  file: RegisteredModelsFile;
  models: ModelRegistry;
  /** The providers created so far (the stack adds to this list while it starts). */
  providers: readonly StackProvider[];
  logger: StackLogger;
}

/**
 * `ModelRegistrations` of a stack: a registration goes to its provider's `registerModel` hook, the
 * model registry and the registered models file. `refresh()` registers here what other processes
 * (or this one before a restart) put in the file; the model registry calls it before it answers
 * that a model is unknown and before it lists models.
 */
export class StackModelRegistrations implements ModelRegistrations {
  readonly #file: RegisteredModelsFile;
  readonly #models: ModelRegistry;
  readonly #providers: readonly StackProvider[];
  readonly #logger: StackLogger;
  /** Entries of the file this process could not register, logged once each. */
  readonly #skipped = new Set<string>();
  #refreshing: Promise<void> | undefined;

  constructor(options: StackModelRegistrationsOptions) {
    this.#file = options.file;
    this.#models = options.models;
    this.#providers = options.providers;
    this.#logger = options.logger;
  }

  async register(input: Model): Promise<Model> {
    const model = Model.parse(input);
    await this.refresh();
    const existing = this.#models.lookup(model.identifier);
    if (existing) return sameOrConflict(existing, model);
    const provider = this.#provider(model);
    await provider.instance.registerModel?.(model);
    let stored: Model | undefined;
    await this.#file.add(model, (found) => {
      stored = found && sameOrConflict(found, model);
      return !found;
    });
    // Another process registered the same model meanwhile: this registry may have it by now.
    if (!this.#models.lookup(model.identifier)) this.#models.add(stored ?? model);
    return stored ?? model;
  }

  /**
   * Registers the file's models this process does not have yet, when the file changed since it was
   * last read (one `stat` otherwise). An entry whose provider is gone, or whose provider refuses
   * it, is logged and skipped: the other models still serve.
   */
  refresh(): Promise<void> {
    if (!this.#file.changed()) return this.#refreshing ?? Promise.resolve();
    this.#refreshing ??= this.#registerFromFile().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #registerFromFile(): Promise<void> {
    for (const model of this.#file.read()) {
      const existing = this.#models.lookup(model.identifier);
      if (existing) {
        if (!isDeepStrictEqual(existing, model)) this.#skip(model, 'another model has its identifier here');
        continue;
      }
      let provider: StackProvider;
      try {
        provider = this.#provider(model);
        await provider.instance.registerModel?.(model);
      } catch (error) {
        this.#skip(model, (error as Error).message);
        continue;
      }
      if (!this.#models.lookup(model.identifier)) this.#models.add(model);
    }
  }

  #skip(model: Model, reason: string): void {
    const key = JSON.stringify(model);
    if (this.#skipped.has(key)) return;
    this.#skipped.add(key);
    this.#logger.warn(
      `model '${model.identifier}' registered in ${this.#file.path} is not served here: ${reason}`,
    );
  }

  /** The provider `model.provider_id` names, of the API its model_type needs. */
  #provider(model: Model): StackProvider {
    const api: ApiName = model.model_type === 'reward' ? 'reward_scoring' : 'inference';
    const provider = this.#providers.find((candidate) => candidate.providerId === model.provider_id);
    if (!provider) {
      const ids = this.#providers
        .filter((candidate) => candidate.api === api)
        .map((p) => `'${p.providerId}'`);
      throw new InvalidRequestError(
        'provider_id',
        `no provider '${model.provider_id}' in this distribution; a ${model.model_type} model needs one of its ${api} providers (${ids.join(', ') || 'none'}).`,
      );
    }
    if (provider.api !== api) {
      throw new InvalidRequestError(
        'provider_id',
        `provider '${model.provider_id}' serves ${provider.api}; a ${model.model_type} model needs a ${api} provider.`,
      );
    }
    return provider;
  }
}

/** Registering a model again is fine when it is the same model; another under its identifier is a conflict. */
function sameOrConflict(existing: Model, model: Model): Model {
  if (isDeepStrictEqual(existing, model)) return existing;
  throw new ConflictError(
    `Model '${model.identifier}' is already registered (with provider '${existing.provider_id}', ` +
      `provider_resource_id '${existing.provider_resource_id}'); pick another identifier.`,
    { field: 'identifier' },
  );
}
