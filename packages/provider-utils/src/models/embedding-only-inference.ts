import {
  DisposedError,
  type EmbeddingInference,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  InvalidRequestError,
  type Model,
  NotFoundError,
  type ProviderLogger,
  type RequestOptions,
} from '@llama-stack-ts/core';
import type { ProgressStream } from '../progress-bar.js';
import { embeddingContentToText } from './embedding-content-to-text.js';
import { ModelFilesMissingError } from './errors/model-files-missing-error.js';
import { type HubModelConfig, resolveModelCacheDir } from './hub-model-config.js';
import {
  type ModelSource,
  type ResolveModelSourceOptions,
  resolveModelSource,
} from './resolve-model-source.js';

/** What an embedding provider keeps per loaded model: at least the vector length. */
export interface LoadedEmbeddingModel {
  readonly dimension: number;
  /** Releases what the model holds (an ONNX session); called once, when the provider is disposed. */
  dispose?(): unknown;
}

/** What a caller gives an embedding provider besides its config. */
export interface EmbeddingInferenceOptions {
  logger?: ProviderLogger | undefined;
  /** Where download progress bars go; default `process.stderr`. */
  progressStream?: ProgressStream | undefined;
  /** Directory relative model folders resolve from. Default: cwd. */
  baseDir?: string | undefined;
}

export interface EmbeddingOnlyInferenceOptions<Config extends HubModelConfig>
  extends EmbeddingInferenceOptions {
  /** `inline::model2vec`, `inline::transformers`: named in every error. */
  providerType: string;
  /**
   * The parsed provider config: `preload` loads every model as it is added, so its
   * `embedding_dimension` is known at once; `model_cache_dir` (default: the cache shared by every
   * distribution) is where hub models go.
   */
  config: Config;
}

/**
 * The part every embedding-only inference provider shares: the registered models, loading each one
 * once (a failed load is retried by the next call), writing `metadata.embedding_dimension` once it
 * is known, turning request contents into texts, and the dispose contract. A subclass implements `loadModel` and `embedTexts`.
 */
export abstract class EmbeddingOnlyInference<
  Loaded extends LoadedEmbeddingModel,
  Config extends HubModelConfig = HubModelConfig,
> implements EmbeddingInference
{
  readonly providerType: string;
  protected readonly config: Config;
  protected readonly logger: ProviderLogger | undefined;
  protected readonly progressStream: ProgressStream | undefined;
  protected readonly baseDir: string;
  /** Where hub models are downloaded, `~` expanded. */
  protected readonly cacheDir: string;
  readonly #models = new Map<string, Model>();
  readonly #loaded = new Map<string, Promise<Loaded>>();
  #disposed = false;

  protected constructor(options: EmbeddingOnlyInferenceOptions<Config>) {
    this.providerType = options.providerType;
    this.config = options.config;
    this.logger = options.logger;
    this.progressStream = options.progressStream;
    this.baseDir = options.baseDir ?? process.cwd();
    this.cacheDir = resolveModelCacheDir(options.config.model_cache_dir);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Adds a model this provider serves; with `preload`, loads it now and fills its embedding_dimension. */
  async addModel(model: Model): Promise<void> {
    this.guard();
    if (model.model_type !== 'embedding') {
      throw new InvalidRequestError(
        'model_type',
        `model '${model.identifier}' is registered as ${model.model_type}, but ${this.providerType} serves embedding models only; set model_type: embedding.`,
      );
    }
    this.#models.set(model.identifier, model);
    if (this.config.preload) {
      try {
        await this.loadedModel(model.identifier);
      } catch (error) {
        this.#models.delete(model.identifier);
        throw error;
      }
    }
  }

  /** One vector per content item, in order; an attachment that is not text is refused, naming the item. */
  async embeddings(request: EmbeddingsRequest, options: RequestOptions = {}): Promise<EmbeddingsResponse> {
    this.guard();
    const texts = request.contents.map((content, index) =>
      embeddingContentToText(content, `contents[${index}]`),
    );
    const model = await this.loadedModel(request.model);
    options.signal?.throwIfAborted();
    this.guard();
    return { embeddings: await this.embedTexts(model, texts, options.signal) };
  }

  /** The length of the vectors `model` returns (loading it if needed). */
  async embeddingDimension(request: { model: string }): Promise<number> {
    this.guard();
    return (await this.loadedModel(request.model)).dimension;
  }

  /** Releases every loaded model; later calls throw `DisposedError`. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const loading = [...this.#loaded.values()];
    this.#loaded.clear();
    this.#models.clear();
    await Promise.allSettled(loading.map(async (model) => (await model).dispose?.()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** Loads a registered model's files; runs once per model (again only after a failure). */
  protected abstract loadModel(model: Model): Promise<Loaded>;

  /** The vectors of `texts`, in order; stops with the signal's reason once it is aborted. */
  protected abstract embedTexts(model: Loaded, texts: string[], signal?: AbortSignal): Promise<number[][]>;

  /** Where a model's files come from; a malformed `provider_model_id` is the caller's error. */
  protected modelSource(model: Model, options?: ResolveModelSourceOptions): ModelSource {
    try {
      return resolveModelSource(model.provider_resource_id, this.baseDir, options);
    } catch (error) {
      throw new InvalidRequestError('provider_model_id', (error as Error).message);
    }
  }

  /** The error for a hub model whose files are not in the cache while `allow_remote_models` is off. */
  protected downloadsOffError(
    model: Model,
    source: Extract<ModelSource, { kind: 'hub' }>,
    folder: string,
    missing: readonly string[],
  ): ModelFilesMissingError {
    return ModelFilesMissingError.downloadsOff({
      modelId: model.identifier,
      folder,
      missing,
      repoId: source.repoId,
      hubUrl: this.config.hub_url,
    });
  }

  protected guard(): void {
    if (this.#disposed) throw new DisposedError(`The ${this.providerType} provider`);
  }

  /** The loaded model, or `NotFoundError` for one this provider was not given. */
  protected loadedModel(identifier: string): Promise<Loaded> {
    const model = this.#models.get(identifier);
    if (!model) {
      return Promise.reject(
        new NotFoundError(
          'model',
          identifier,
          `It is not registered with this ${this.providerType} provider; register it under \`models:\` with its provider_id.`,
        ),
      );
    }
    let loading = this.#loaded.get(identifier);
    if (!loading) {
      loading = this.#load(model);
      this.#loaded.set(identifier, loading);
      loading.catch(() => {
        if (this.#loaded.get(identifier) === loading) this.#loaded.delete(identifier);
      });
    }
    return loading;
  }

  async #load(model: Model): Promise<Loaded> {
    const loaded = await this.loadModel(model);
    model.metadata.embedding_dimension = loaded.dimension;
    return loaded;
  }
}
