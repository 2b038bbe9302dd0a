import {
  ConflictError,
  type GetModelRequest,
  type ListModelsResponse,
  type Model,
  type Models,
  NotFoundError,
} from '@llama-stack-ts/core';

export const unknownModelHint = 'Register it under `models:` in distribution.yaml.';

/**
 * The models a stack serves, by the id clients send as `model`. Implements the `Models` API
 * (`/models/list`, `/models/get`) and is what the inference router consults to pick a provider.
 */
export class ModelRegistry implements Models {
  readonly #models = new Map<string, Model>();
  #refresh: (() => Promise<void>) | undefined;

  constructor(models: readonly Model[] = []) {
    for (const model of models) this.add(model);
  }

  /**
   * Sets what runs before the registry lists models or answers that one is unknown: the stack
   * registers there the models other processes of the distribution registered at run time.
   */
  refreshWith(refresh: () => Promise<void>): void {
    this.#refresh = refresh;
  }

  async listModels(_request: Record<string, never> = {}): Promise<ListModelsResponse> {
    await this.#refresh?.();
    return { data: this.list() };
  }

  async getModel(request: GetModelRequest): Promise<Model> {
    return this.find(request.identifier);
  }

  /** Like `require`, after a refresh when this process does not know the model (yet). */
  async find(identifier: string): Promise<Model> {
    if (!this.#models.has(identifier)) await this.#refresh?.();
    return this.require(identifier);
  }

  list(): Model[] {
    return [...this.#models.values()];
  }

  lookup(identifier: string): Model | undefined {
    return this.#models.get(identifier);
  }

  /** The model, or a 404 `NotFoundError` that says how to register it. */
  require(identifier: string): Model {
    const model = this.#models.get(identifier);
    if (!model) throw new NotFoundError('model', identifier, unknownModelHint);
    return model;
  }

  add(model: Model): void {
    const existing = this.#models.get(model.identifier);
    if (existing) {
      throw new ConflictError(
        `Model '${model.identifier}' is already registered (with provider '${existing.provider_id}'); pick another model_id.`,
        { field: 'model_id' },
      );
    }
    this.#models.set(model.identifier, model);
  }

  remove(identifier: string): boolean {
    return this.#models.delete(identifier);
  }
}
