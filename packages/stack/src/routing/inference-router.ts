import {
  type BatchChatCompletionRequest,
  type BatchChatCompletionResponse,
  type BatchCompletionRequest,
  type BatchCompletionResponse,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type ChatCompletionResponseStreamChunk,
  type CompletionRequest,
  type CompletionResponse,
  type CompletionResponseStreamChunk,
  DisposedError,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type Inference,
  type InferenceModelInfo,
  type InferenceModelInfoRequest,
  type InferenceProvider,
  InvalidRequestError,
  type Model,
  NotImplementedError,
  type RequestOptions,
  type TokenizeRequest,
  type TokenizeResponse,
} from '@llama-stack-ts/core';
import type { ModelRegistry } from './model-registry.js';

/** An inference provider the router can send a call to. */
export interface RoutedInferenceProvider {
  providerId: string;
  providerType: string;
  implementation: InferenceProvider;
}

/**
 * The Inference API over every inference provider of a stack: each call goes to the provider that
 * serves `request.model`, as the model registry says. An unknown model is a 404, an embedding model
 * asked for text (or the reverse) a 400, and an operation the model's provider lacks a 501, whether
 * one provider serves the API or several. A streaming call throws at once, before any chunk.
 */
export class InferenceRouter implements Inference {
  readonly #registry: ModelRegistry;
  readonly #providers: ReadonlyMap<string, RoutedInferenceProvider>;
  #closed = false;

  constructor(registry: ModelRegistry, providers: readonly RoutedInferenceProvider[]) {
    this.#registry = registry;
    this.#providers = new Map(providers.map((provider) => [provider.providerId, provider]));
  }

  async completion(request: CompletionRequest, options?: RequestOptions): Promise<CompletionResponse> {
    return (await this.#target(request.model, 'completion')).completion(request, options);
  }

  streamCompletion(
    request: CompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<CompletionResponseStreamChunk> {
    return this.#stream(request.model, 'streamCompletion', (target) =>
      target.streamCompletion(request, options),
    );
  }

  async chatCompletion(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<ChatCompletionResponse> {
    return (await this.#target(request.model, 'chatCompletion')).chatCompletion(request, options);
  }

  streamChatCompletion(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<ChatCompletionResponseStreamChunk> {
    return this.#stream(request.model, 'streamChatCompletion', (target) =>
      target.streamChatCompletion(request, options),
    );
  }

  async batchCompletion(
    request: BatchCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchCompletionResponse> {
    return (await this.#target(request.model, 'batchCompletion')).batchCompletion(request, options);
  }

  async batchChatCompletion(
    request: BatchChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchChatCompletionResponse> {
    return (await this.#target(request.model, 'batchChatCompletion')).batchChatCompletion(request, options);
  }

  async embeddings(request: EmbeddingsRequest, options?: RequestOptions): Promise<EmbeddingsResponse> {
    return (await this.#target(request.model, 'embeddings')).embeddings(request, options);
  }

  async tokenize(request: TokenizeRequest, options?: RequestOptions): Promise<TokenizeResponse> {
    return (await this.#target(request.model, 'tokenize')).tokenize(request, options);
  }

  async modelInfo(request: InferenceModelInfoRequest, options?: RequestOptions): Promise<InferenceModelInfo> {
    return (await this.#target(request.model, 'modelInfo')).modelInfo(request, options);
  }

  /** Calls after this fail with `DisposedError`; the stack disposes the providers themselves. */
  close(): void {
    this.#closed = true;
  }

  /**
   * A stream of `operation` for `modelId`: a model this process knows is checked at once (a bad
   * request throws before any chunk); one it does not is looked up in the registered models file
   * when the stream is first read, which the server does before it starts its response.
   */
  #stream<Operation extends 'streamCompletion' | 'streamChatCompletion', Chunk>(
    modelId: unknown,
    operation: Operation,
    call: (target: Pick<Required<Inference>, Operation>) => AsyncIterable<Chunk>,
  ): AsyncIterable<Chunk> {
    this.#checkOpen(modelId);
    const known = this.#registry.lookup(modelId);
    if (known) return call(this.#checked(this.#route(known), operation));
    const target = () => this.#target(modelId, operation);
    return {
      async *[Symbol.asyncIterator]() {
        yield* call(await target());
      },
    };
  }

  /**
   * The implementation that runs `operation` for `modelId`: the model exists, is of the kind the
   * operation needs, and its provider has the method.
   */
  async #target<Operation extends keyof Inference>(
    modelId: unknown,
    operation: Operation,
  ): Promise<Pick<Required<Inference>, Operation>> {
    this.#checkOpen(modelId);
    return this.#checked(this.#route(await this.#registry.find(modelId)), operation);
  }

  #checked<Operation extends keyof Inference>(
    { model, provider }: { model: Model; provider: RoutedInferenceProvider },
    operation: Operation,
  ): Pick<Required<Inference>, Operation> {
    checkModelType(model, operation);
    const implementation = provider.implementation as Partial<Inference>;
    if (typeof implementation[operation] !== 'function') {
      throw new NotImplementedError(provider.providerType, operation);
    }
    return implementation as Pick<Required<Inference>, Operation>;
  }

  #checkOpen(modelId: unknown): asserts modelId is string {
    if (this.#closed) throw new DisposedError('The inference router');
    if (typeof modelId !== 'string' || modelId.length === 0) {
      throw new InvalidRequestError('model', 'required: the id of a model registered in the distribution.');
    }
  }

  #route(model: Model): { model: Model; provider: RoutedInferenceProvider } {
    const modelId = model.identifier;
    if (model.model_type === 'reward') {
      throw new InvalidRequestError(
        'model',
        `model '${modelId}' is a reward model; it answers /reward_scoring/score only. Use an llm model for inference.`,
      );
    }
    const provider = this.#providers.get(model.provider_id);
    if (!provider) {
      throw new InvalidRequestError(
        'model',
        `model '${modelId}' is registered with provider '${model.provider_id}', which does not serve the inference API; ` +
          'use a model registered with one of its providers.',
      );
    }
    return { model, provider };
  }
}

/** Embeddings need an embedding model; every other operation an llm. */
function checkModelType(model: Model, operation: keyof Inference): void {
  if (operation === 'embeddings' && model.model_type !== 'embedding') {
    throw new InvalidRequestError(
      'model',
      `model '${model.identifier}' is an ${model.model_type} model; embeddings need a model registered with model_type: embedding.`,
    );
  }
  if (operation !== 'embeddings' && model.model_type === 'embedding') {
    throw new InvalidRequestError(
      'model',
      `model '${model.identifier}' is an embedding model; it answers /inference/embeddings only. Use an llm model for ${operation}.`,
    );
  }
}
