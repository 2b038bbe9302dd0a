import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
import { ModelDownloadError } from './errors/model-download-error.js';
import { ModelFilesMissingError } from './errors/model-files-missing-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import { hubDownloadProgress } from './hub-download-progress.js';
import { type Pooling, poolingModes } from './pooling.js';
import { readOptionalModelJson } from './read-optional-model-json.js';
import {
  defaultModelCacheDir,
  expandHome,
  hubCacheFolder,
  type ModelSource,
  resolveModelSource,
} from './resolve-model-source.js';
import { resolvePooling } from './resolve-pooling.js';
import {
  onnxFileFor,
  type PretrainedLoadOptions,
  SentenceEmbeddingModel,
} from './sentence-embedding-model.js';
import { OnnxDtype, type TransformersConfig } from './transformers-config.js';

export const transformersProviderType = 'inline::transformers';

export interface TransformersInferenceOptions {
  config: TransformersConfig;
  logger?: ProviderLogger | undefined;
  /** Where download progress bars go; default `process.stderr`. */
  progressStream?: ProgressStream | undefined;
  /** Directory relative model folders resolve from. Default: cwd. */
  baseDir?: string | undefined;
}

/**
 * The `inline::transformers` inference provider: sentence embeddings from ONNX encoder models run by
 * transformers.js (onnxruntime-node), with the pooling and normalization each model's card asks for.
 * It serves `embeddings` only; the other operations throw `NotImplementedError`.
 *
 * Per-model settings in `metadata` (all optional): `dtype` (which ONNX weights), `pooling` (mean, cls,
 * max, last_token, mean_sqrt_len), `normalize` (default true), `max_tokens`. Once a model is loaded
 * (at start-up with `preload`, else on first use) its `metadata.embedding_dimension` is filled in
 * place; `embeddingDimension({ model })` loads the model if needed and returns it.
 */
export class TransformersInference implements Inference {
  readonly #config: TransformersConfig;
  readonly #logger: ProviderLogger | undefined;
  readonly #progressStream: ProgressStream | undefined;
  readonly #baseDir: string;
  readonly #cacheDir: string;
  readonly #models = new Map<string, Model>();
  readonly #loaded = new Map<string, Promise<SentenceEmbeddingModel>>();
  #disposed = false;

  constructor(options: TransformersInferenceOptions) {
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
        `model '${model.identifier}' is registered as ${model.model_type}, but ${transformersProviderType} serves embedding models only; set model_type: embedding.`,
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
    options.signal?.throwIfAborted();
    return { embeddings: await model.embed(texts, options.signal) };
  }

  /** The length of the vectors `model` returns (loading it if needed). */
  async embeddingDimension(request: { model: string }): Promise<number> {
    this.#guard();
    return (await this.#model(request.model)).dimension;
  }

  completion(): Promise<CompletionResponse> {
    return Promise.reject(new NotImplementedError(transformersProviderType, 'completion'));
  }

  streamCompletion(): AsyncIterable<CompletionResponseStreamChunk> {
    throw new NotImplementedError(transformersProviderType, 'streamCompletion');
  }

  chatCompletion(): Promise<ChatCompletionResponse> {
    return Promise.reject(new NotImplementedError(transformersProviderType, 'chatCompletion'));
  }

  streamChatCompletion(): AsyncIterable<ChatCompletionResponseStreamChunk> {
    throw new NotImplementedError(transformersProviderType, 'streamChatCompletion');
  }

  batchCompletion(): Promise<BatchCompletionResponse> {
    return Promise.reject(new NotImplementedError(transformersProviderType, 'batchCompletion'));
  }

  batchChatCompletion(): Promise<BatchChatCompletionResponse> {
    return Promise.reject(new NotImplementedError(transformersProviderType, 'batchChatCompletion'));
  }

  /** Releases every ONNX session; later calls throw `DisposedError`. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const loading = [...this.#loaded.values()];
    this.#loaded.clear();
    this.#models.clear();
    await Promise.allSettled(loading.map(async (model) => (await model).dispose()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError(`The ${transformersProviderType} provider`);
  }

  /** The loaded model; loads run once per model, and a failed load is retried by the next call. */
  #model(identifier: string): Promise<SentenceEmbeddingModel> {
    const model = this.#models.get(identifier);
    if (!model) {
      return Promise.reject(
        new NotFoundError(
          'model',
          identifier,
          `It is not registered with this ${transformersProviderType} provider; register it under \`models:\` with its provider_id.`,
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

  async #load(model: Model): Promise<SentenceEmbeddingModel> {
    const started = performance.now();
    const metadata = model.metadata;
    let source: ModelSource;
    try {
      source = resolveModelSource(model.provider_resource_id, this.#baseDir);
    } catch (error) {
      throw new InvalidRequestError('provider_model_id', (error as Error).message);
    }
    const dtype = readMetadataDtype(model) ?? this.#config.dtype;
    const required = ['config.json', 'tokenizer.json', onnxFileFor(dtype)];
    const folder =
      source.kind === 'local'
        ? source.folder
        : hubCacheFolder(this.#cacheDir, source.repoId, source.revision);
    const missing = required.filter((file) => !existsSync(join(folder, file)));
    const downloading = source.kind === 'hub' && missing.length > 0;
    if (missing.length > 0 && !(downloading && this.#config.allow_remote_models)) {
      throw this.#missingFilesError(model, source, folder, missing, dtype);
    }

    const remoteBase =
      source.kind === 'hub' && this.#config.allow_remote_models
        ? `${this.#config.hub_url.replace(/\/+$/, '')}/${source.repoId}/resolve/${encodeURIComponent(source.revision)}/`
        : undefined;
    if (source.kind === 'hub') await useHubUrl(this.#config.hub_url);
    const sentenceTransformersPooling = await readOptionalModelJson({
      folder,
      file: '1_Pooling/config.json',
      remoteBase,
    });
    const sentenceBertConfig = await readOptionalModelJson({
      folder,
      file: 'sentence_bert_config.json',
      remoteBase,
    });
    const pooling = resolvePooling({
      metadataPooling: readMetadataPooling(model),
      sentenceTransformersPooling,
      modelName: model.provider_resource_id,
    });
    const maxTokens =
      positiveInteger(metadata.max_tokens) ?? positiveInteger(sentenceBertConfig?.max_seq_length);

    const load: PretrainedLoadOptions = {
      local_files_only: source.kind === 'local' || !this.#config.allow_remote_models,
      cache_dir: this.#cacheDir,
      revision: source.kind === 'hub' ? source.revision : 'main',
    };
    if (downloading && source.kind === 'hub') {
      this.#logger?.info(`downloading embedding model '${source.repoId}' into ${folder}`, { files: missing });
      if (this.#config.show_progress) {
        load.progress_callback = hubDownloadProgress({
          repoId: source.repoId,
          cacheFolder: folder,
          stream: this.#progressStream,
        });
      }
    }
    let loaded: SentenceEmbeddingModel;
    try {
      loaded = await SentenceEmbeddingModel.load({
        modelId: model.identifier,
        pathOrRepoId: source.kind === 'local' ? source.folder : source.repoId,
        load,
        dtype,
        device: this.#config.device,
        threads: this.#config.threads,
        pooling,
        normalize: typeof metadata.normalize === 'boolean' ? metadata.normalize : true,
        maxTokens,
        maxBatchSize: this.#config.max_batch_size,
        logger: this.#logger,
      });
    } catch (error) {
      throw classifyLoadError(error, model, source, folder, remoteBase);
    }
    model.metadata.embedding_dimension = loaded.dimension;
    this.#logger?.info(`loaded embedding model '${model.identifier}'`, {
      source: source.kind === 'local' ? source.folder : `${source.repoId}@${source.revision}`,
      dtype,
      pooling: `${pooling.pooling} (from ${pooling.reason})`,
      normalize: loaded.normalize,
      max_tokens: loaded.maxTokens,
      embedding_dimension: loaded.dimension,
      milliseconds: Math.round(performance.now() - started),
    });
    return loaded;
  }

  #missingFilesError(
    model: Model,
    source: ModelSource,
    folder: string,
    missing: string[],
    dtype: OnnxDtype,
  ): ModelFilesMissingError {
    const layout =
      'A transformers.js model folder holds config.json, tokenizer.json (with tokenizer_config.json) and onnx/model*.onnx. ';
    if (source.kind === 'hub') {
      return new ModelFilesMissingError({
        modelId: model.identifier,
        folder: `the model cache ${folder}`,
        missing,
        fix:
          `Downloads are off (allow_remote_models: false): turn them on to fetch '${source.repoId}' from ${this.#config.hub_url}, ` +
          'or copy the model files into that folder, or set provider_model_id to a local folder.',
      });
    }
    if (!existsSync(folder)) {
      return new ModelFilesMissingError({
        modelId: model.identifier,
        folder: `the folder ${folder} does not exist; it`,
        missing,
        fix:
          `${layout}Check provider_model_id (a relative path resolves from ${this.#baseDir}), ` +
          'or set provider_model_id to a hub id such as hf:Xenova/all-MiniLM-L6-v2 to download it on first use.',
      });
    }
    const onnxFiles = listOnnxFiles(folder);
    const otherDtypes = OnnxDtype.options.filter(
      (other) => other !== dtype && onnxFiles.includes(onnxFileFor(other)),
    );
    const dtypeHint =
      missing.includes(onnxFileFor(dtype)) && otherDtypes.length > 0
        ? `The folder has ${otherDtypes.map((other) => `${onnxFileFor(other)} (dtype ${other})`).join(', ')}: ` +
          `set metadata.dtype: ${otherDtypes[0]} on the model, or dtype in the provider config. `
        : '';
    return new ModelFilesMissingError({
      modelId: model.identifier,
      folder,
      missing,
      fix: `${dtypeHint}${layout}Copy the missing files in, or set provider_model_id to a hub id to download the model.`,
    });
  }
}

function readMetadataDtype(model: Model): OnnxDtype | undefined {
  const value = model.metadata.dtype;
  if (value === undefined) return undefined;
  const parsed = OnnxDtype.safeParse(value);
  if (!parsed.success) {
    throw new InvalidRequestError(
      'metadata.dtype',
      `model '${model.identifier}' has dtype ${JSON.stringify(value)}; use one of ${OnnxDtype.options.join(', ')}.`,
    );
  }
  return parsed.data;
}

function readMetadataPooling(model: Model): Pooling | undefined {
  const value = model.metadata.pooling;
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (poolingModes as readonly string[]).includes(value))
    return value as Pooling;
  throw new InvalidRequestError(
    'metadata.pooling',
    `model '${model.identifier}' has pooling ${JSON.stringify(value)}; use one of ${poolingModes.join(', ')}.`,
  );
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function listOnnxFiles(folder: string): string[] {
  const onnx = join(folder, 'onnx');
  return existsSync(onnx) ? readdirSync(onnx).map((file) => `onnx/${file}`) : [];
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'UND_ERR_SOCKET',
]);

/** A download failure (the hub unreachable, a file it lacks) becomes a ModelDownloadError; the rest a ModelLoadError. */
function classifyLoadError(
  error: unknown,
  model: Model,
  source: ModelSource,
  folder: string,
  remoteBase: string | undefined,
): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (source.kind === 'hub' && remoteBase) {
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
    const missingRemote = /Could not locate file: "([^"]+)"/.exec(message);
    const unreachable =
      message.includes('fetch failed') || (cause?.code !== undefined && networkCodes.has(cause.code));
    if (missingRemote || unreachable) {
      return new ModelDownloadError({
        repoId: source.repoId,
        url: missingRemote?.[1] ?? remoteBase,
        reason: missingRemote ? 'the hub has no such file (check the model id and dtype)' : message,
        cacheFolder: folder,
        cause: error,
      });
    }
  }
  return new ModelLoadError(
    model.identifier,
    source.kind === 'local' ? source.folder : `${source.repoId}@${source.revision}`,
    message,
    error,
  );
}

/**
 * transformers.js reads the hub address from its process-wide `env.remoteHost`; point it at the
 * configured hub (a mirror, or a loopback server in tests) before a hub model loads.
 */
async function useHubUrl(hubUrl: string): Promise<void> {
  const { env } = await import('@huggingface/transformers');
  env.remoteHost = hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`;
}
