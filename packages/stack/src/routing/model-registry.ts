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

  constructor(models: readonly Model[] = []) {
    for (const model of models) this.add(model);
  }

  async listModels(_request: Record<string, never> = {}): Promise<ListModelsResponse> {
    return { data: this.list() };
  }

  async getModel(request: GetModelRequest): Promise<Model> {
    return this.require(request.identifier);
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
