import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type BatchChatCompletionResponse,
  type BatchCompletionResponse,
  type ChatCompletionResponse,
  type ChatCompletionResponseStreamChunk,
  type CompletionResponse,
  type CompletionResponseStreamChunk,
  DisposedError,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type Inference,
  InvalidRequestError,
  type Model,
  NotFoundError,
  NotImplementedError,
  type ProviderLogger,
  type RequestOptions,
} from '@llama-stack-ts/core';
import { contentToText } from './content-to-text.js';
import type { ProgressStream } from './download-progress.js';
import { ModelFilesMissingError } from './errors/model-files-missing-error.js';
import { downloadHubFiles } from './hub-download.js';
import type { Model2VecConfig } from './model2vec-config.js';
import { Model2VecModel, model2VecFiles } from './model2vec-model.js';
import {
  defaultModelCacheDir,
  expandHome,
  hubCacheFolder,
  type ModelSource,
  resolveModelSource,
} from './resolve-model-source.js';

export const model2VecProviderType = 'inline::model2vec';

/** Texts embedded between two yields to the event loop, so a huge batch does not stall the server. */
const textsPerSlice = 256;

export interface Model2VecInferenceOptions {
  config: Model2VecConfig;
  logger?: ProviderLogger | undefined;
  /** Where download progress bars go; default `process.stderr`. */
  progressStream?: ProgressStream | undefined;
  /** Directory relative model folders resolve from. Default: cwd. */
  baseDir?: string | undefined;
}

/**
 * The `inline::model2vec` inference provider: embeddings from Model2Vec static models, in plain
 * TypeScript (a tokenizer and a table lookup, no ML runtime). It serves `embeddings` only; the
 * router never sends it an llm request, and the other operations throw `NotImplementedError`.
 *
 * Each registered model's `metadata.embedding_dimension` is filled in place once the model is
 * loaded (at start-up with `preload`, else on first use); `embeddingDimension({ model })` loads the
 * model if needed and returns it.
 */
export class Model2VecInference implements Inference {
  readonly #config: Model2VecConfig;
  readonly #logger: ProviderLogger | undefined;
  readonly #progressStream: ProgressStream | undefined;
  readonly #baseDir: string;
  readonly #cacheDir: string;
  readonly #models = new Map<string, Model>();
  readonly #loaded = new Map<string, Promise<Model2VecModel>>();
  #disposed = false;

  constructor(options: Model2VecInferenceOptions) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.#progressStream = options.progressStream;
    this.#baseDir = options.baseDir ?? process.cwd();
    this.#cacheDir = expandHome(options.config.model_cache_dir ?? defaultModelCacheDir());
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Adds a model this provider serves; with `preload`, loads it now and fills its embedding_dimension. */
  async addModel(model: Model): Promise<void> {
    this.#guard();
    if (model.model_type !== 'embedding') {
      throw new InvalidRequestError(
        'model_type',
        `model '${model.identifier}' is registered as ${model.model_type}, but ${model2VecProviderType} serves embedding models only; set model_type: embedding.`,
      );
    }
    this.#models.set(model.identifier, model);
    if (this.#config.preload) {
      try {
        await this.#model(model.identifier);
      } catch (error) {
        this.#models.delete(model.identifier);
        throw error;
      }
    }
  }

  async embeddings(request: EmbeddingsRequest, options: RequestOptions = {}): Promise<EmbeddingsResponse> {
    this.#guard();
    const texts = request.contents.map((content, index) => contentToText(content, `contents[${index}]`));
    const model = await this.#model(request.model);
    const embeddings: number[][] = [];
    for (let start = 0; start < texts.length; start += textsPerSlice) {
      options.signal?.throwIfAborted();
      if (start > 0) await yieldToEventLoop();
      this.#guard();
      embeddings.push(...model.embed(texts.slice(start, start + textsPerSlice)));
    }
    return { embeddings };
  }

  /** The length of the vectors `model` returns (loading it if needed). */
  async embeddingDimension(request: { model: string }): Promise<number> {
    this.#guard();
    return (await this.#model(request.model)).dimension;
  }

  completion(): Promise<CompletionResponse> {
    return Promise.reject(new NotImplementedError(model2VecProviderType, 'completion'));
  }

  streamCompletion(): AsyncIterable<CompletionResponseStreamChunk> {
    throw new NotImplementedError(model2VecProviderType, 'streamCompletion');
  }

  chatCompletion(): Promise<ChatCompletionResponse> {
    return Promise.reject(new NotImplementedError(model2VecProviderType, 'chatCompletion'));
  }

  streamChatCompletion(): AsyncIterable<ChatCompletionResponseStreamChunk> {
    throw new NotImplementedError(model2VecProviderType, 'streamChatCompletion');
  }

  batchCompletion(): Promise<BatchCompletionResponse> {
    return Promise.reject(new NotImplementedError(model2VecProviderType, 'batchCompletion'));
  }

  batchChatCompletion(): Promise<BatchChatCompletionResponse> {
    return Promise.reject(new NotImplementedError(model2VecProviderType, 'batchChatCompletion'));
  }

  /** Drops the loaded models; later calls throw `DisposedError`. Idempotent. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#loaded.clear();
    this.#models.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError(`The ${model2VecProviderType} provider`);
  }

  /** The loaded model; loads run once per model, and a failed load is retried by the next call. */
  #model(identifier: string): Promise<Model2VecModel> {
    const model = this.#models.get(identifier);
    if (!model) {
      return Promise.reject(
        new NotFoundError(
          'model',
          identifier,
          `It is not registered with this ${model2VecProviderType} provider; register it under \`models:\` with its provider_id.`,
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

  async #load(model: Model): Promise<Model2VecModel> {
    const started = performance.now();
    let source: ModelSource;
    try {
      source = resolveModelSource(model.provider_resource_id, this.#baseDir);
    } catch (error) {
      throw new InvalidRequestError('provider_model_id', (error as Error).message);
    }
    const folder = await this.#folderOf(model, source);
    const normalize = model.metadata.normalize;
    const loaded = await Model2VecModel.load(folder, {
      modelId: model.identifier,
      normalize: typeof normalize === 'boolean' ? normalize : undefined,
      maxTokens: this.#config.max_tokens,
    });
    model.metadata.embedding_dimension = loaded.dimension;
    this.#logger?.info(`loaded embedding model '${model.identifier}'`, {
      source: folder,
      embedding_dimension: loaded.dimension,
      normalize: loaded.normalize,
      milliseconds: Math.round(performance.now() - started),
    });
    return loaded;
  }

  async #folderOf(model: Model, source: ModelSource): Promise<string> {
    if (source.kind === 'local') {
      const missing = missingFiles(source.folder);
      if (missing.length > 0) {
        const folderMissing = !existsSync(source.folder);
        throw new ModelFilesMissingError({
          modelId: model.identifier,
          folder: folderMissing ? `the folder ${source.folder} does not exist; it` : source.folder,
          missing,
          fix:
            `A Model2Vec model folder holds ${model2VecFiles.join(', ')}. ` +
            (folderMissing
              ? `Check provider_model_id (a relative path resolves from ${this.#baseDir}), `
              : 'Copy the missing files in, ') +
            'or set provider_model_id to a hub id such as hf:minishlab/potion-base-8M to download it on first use.',
        });
      }
      return source.folder;
    }

    const folder = hubCacheFolder(this.#cacheDir, source.repoId, source.revision);
    const missing = missingFiles(folder);
    if (missing.length === 0) return folder;
    if (!this.#config.allow_remote_models) {
      throw new ModelFilesMissingError({
        modelId: model.identifier,
        folder: `the model cache ${folder}`,
        missing,
        fix:
          `Downloads are off (allow_remote_models: false): turn them on to fetch '${source.repoId}' from ${this.#config.hub_url}, ` +
          'or copy the model files into that folder, or set provider_model_id to a local folder.',
      });
    }
    this.#logger?.info(`downloading embedding model '${source.repoId}' into ${folder}`, { files: missing });
    return downloadHubFiles({
      repoId: source.repoId,
      revision: source.revision,
      files: missing,
      hubUrl: this.#config.hub_url,
      cacheDir: this.#cacheDir,
      progressStream: this.#config.show_progress ? this.#progressStream : null,
    });
  }
}

function missingFiles(folder: string): string[] {
  return model2VecFiles.filter((file) => !existsSync(join(folder, file)));
}
