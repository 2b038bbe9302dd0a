import type { ApiName } from '../apis/api-name.js';
import type { Model } from '../apis/models/models-schemas.js';
import type { RequestOptions } from '../apis/request-options.js';
import { DisposedError } from '../errors/disposed-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { NotImplementedError } from '../errors/not-implemented-error.js';
import type { ModelRegistry } from './model-registry.js';

/** A provider the router can send a call to. */
export interface RoutedProvider {
  providerId: string;
  providerType: string;
  implementation: unknown;
}

/** The inference operations; each takes a request whose `model` names a registered model. */
export const inferenceOperations = [
  'completion',
  'streamCompletion',
  'chatCompletion',
  'streamChatCompletion',
  'batchCompletion',
  'batchChatCompletion',
  'embeddings',
] as const;
export type InferenceOperation = (typeof inferenceOperations)[number];

/** Methods of a provider's implementation that are lifecycle, not API operations. */
const lifecycleMethods = new Set([
  'constructor',
  'dispose',
  'health',
  'registerModel',
  'initialize',
  'shutdown',
]);

/** What the router reads of a request: its `model`; the rest goes to the provider untouched. */
export interface ModelRequest {
  readonly model?: unknown;
  readonly [field: string]: unknown;
}

export type Routed = (request: ModelRequest, options?: RequestOptions) => unknown;

/**
 * Sends each call to the provider that serves `request.model`, as the model registry says. An
 * unknown model is a 404 whether one provider or several serve the API, so clients see the same
 * answer everywhere. The router reads nothing of a request but `model`, so it follows the protocol
 * as it grows: besides the known operations, any other method a provider implements is routed too.
 */
export class ModelRouter {
  readonly api: ApiName;
  readonly #registry: ModelRegistry;
  readonly #providers: ReadonlyMap<string, RoutedProvider>;
  #disposed = false;

  constructor(
    api: ApiName,
    registry: ModelRegistry,
    providers: readonly RoutedProvider[],
    operations: readonly string[] = [],
  ) {
    this.api = api;
    this.#registry = registry;
    this.#providers = new Map(providers.map((provider) => [provider.providerId, provider]));
    const names = new Set(operations);
    for (const provider of providers)
      for (const name of methodNames(provider.implementation)) names.add(name);
    for (const name of names) {
      if (name in this) continue;
      const forward: Routed = (request, options) => this.route(name, request, options);
      Object.defineProperty(this, name, { value: forward, enumerable: false });
    }
  }

  /**
   * Calls `operation` on the provider serving `request.model`. A streaming operation (`stream…`)
   * throws at once when the model is unknown, before any chunk; the others return a rejected promise.
   */
  route(operation: string, request: ModelRequest, options?: RequestOptions): unknown {
    let target: Routed;
    try {
      target = this.#resolve(operation, request);
    } catch (error) {
      if (operation.startsWith('stream')) throw error;
      return Promise.reject(error);
    }
    return target(request, options);
  }

  /** The provider serving `modelId` for this API; throws the error a client would get. */
  providerFor(modelId: string, operation?: string): RoutedProvider {
    const model = this.#registry.require(modelId);
    const provider = this.#providers.get(model.provider_id);
    if (!provider) {
      throw new InvalidRequestError(
        'model',
        `model '${modelId}' is registered with provider '${model.provider_id}', which does not serve the ${this.api} API; ` +
          'use a model registered with one of its providers.',
      );
    }
    if (operation) checkModelType(model, operation);
    return provider;
  }

  /** Calls after this fail with `DisposedError`; the stack disposes the providers themselves. */
  close(): void {
    this.#disposed = true;
  }

  #resolve(operation: string, request: ModelRequest): Routed {
    if (this.#disposed) throw new DisposedError(`The ${this.api} router`);
    const model = request?.model;
    if (typeof model !== 'string' || model.length === 0) {
      throw new InvalidRequestError('model', 'required: the id of a model registered in the distribution.');
    }
    const provider = this.providerFor(model, operation);
    const implementation = provider.implementation as Record<string, unknown>;
    const method = implementation[operation];
    if (typeof method !== 'function') throw new NotImplementedError(provider.providerType, operation);
    return (method as Routed).bind(implementation);
  }
}

/** The inference API behind one router, whether one provider serves it or several. */
export class InferenceRouter extends ModelRouter {
  declare readonly completion: Routed;
  declare readonly streamCompletion: Routed;
  declare readonly chatCompletion: Routed;
  declare readonly streamChatCompletion: Routed;
  declare readonly batchCompletion: Routed;
  declare readonly batchChatCompletion: Routed;
  declare readonly embeddings: Routed;

  constructor(registry: ModelRegistry, providers: readonly RoutedProvider[]) {
    super('inference', registry, providers, inferenceOperations);
  }
}

function checkModelType(model: Model, operation: string): void {
  const wantsEmbedding = operation === 'embeddings';
  if (!(inferenceOperations as readonly string[]).includes(operation)) return;
  if (wantsEmbedding && model.model_type !== 'embedding') {
    throw new InvalidRequestError(
      'model',
      `model '${model.identifier}' is an ${model.model_type} model; embeddings need a model registered with model_type: embedding.`,
    );
  }
  if (!wantsEmbedding && model.model_type === 'embedding') {
    throw new InvalidRequestError(
      'model',
      `model '${model.identifier}' is an embedding model; it answers /inference/embeddings only. Use an llm model for ${operation}.`,
    );
  }
}

/** Own and inherited method names of an object, without Object's and lifecycle ones. */
function methodNames(implementation: unknown): string[] {
  const names = new Set<string>();
  for (
    let current = implementation;
    current && current !== Object.prototype;
    current = Object.getPrototypeOf(current)
  ) {
    for (const name of Object.getOwnPropertyNames(current)) {
      if (lifecycleMethods.has(name) || name.startsWith('_')) continue;
      const descriptor = Object.getOwnPropertyDescriptor(current, name);
      if (descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names];
}
