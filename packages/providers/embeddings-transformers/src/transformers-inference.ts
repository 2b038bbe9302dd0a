import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidRequestError, type Model } from '@llama-stack-ts/core';
import {
  type EmbeddingInferenceOptions,
  EmbeddingOnlyInference,
  hubCacheFolder,
  ModelDownloadError,
  ModelFilesMissingError,
  type ModelSource,
} from '@llama-stack-ts/provider-utils/models';
import { ModelLoadError } from './errors/model-load-error.js';
import { hubDownloadProgress } from './hub-download-progress.js';
import { type Pooling, poolingModes } from './pooling.js';
import { readOptionalModelJson } from './read-optional-model-json.js';
import { resolvePooling } from './resolve-pooling.js';
import {
  onnxFileFor,
  type PretrainedLoadOptions,
  SentenceEmbeddingModel,
} from './sentence-embedding-model.js';
import { OnnxDtype, type TransformersConfig } from './transformers-config.js';

export const transformersProviderType = 'inline::transformers';

export interface TransformersInferenceOptions extends EmbeddingInferenceOptions {
  config: TransformersConfig;
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
export class TransformersInference extends EmbeddingOnlyInference<
  SentenceEmbeddingModel,
  TransformersConfig
> {
  constructor(options: TransformersInferenceOptions) {
    super({ ...options, providerType: transformersProviderType });
  }

  protected embedTexts(
    model: SentenceEmbeddingModel,
    texts: string[],
    signal?: AbortSignal,
  ): Promise<number[][]> {
    return model.embed(texts, signal);
  }

  protected async loadModel(model: Model): Promise<SentenceEmbeddingModel> {
    const started = performance.now();
    const metadata = model.metadata;
    const source = this.modelSource(model, { exampleHubId: 'hf:Xenova/all-MiniLM-L6-v2' });
    const dtype = readMetadataDtype(model) ?? this.config.dtype;
    const required = ['config.json', 'tokenizer.json', onnxFileFor(dtype)];
    const folder =
      source.kind === 'local' ? source.folder : hubCacheFolder(this.cacheDir, source.repoId, source.revision);
    const missing = required.filter((file) => !existsSync(join(folder, file)));
    const downloading = source.kind === 'hub' && missing.length > 0;
    if (missing.length > 0 && !(downloading && this.config.allow_remote_models)) {
      throw this.#missingFilesError(model, source, folder, missing, dtype);
    }

    const remoteBase =
      source.kind === 'hub' && this.config.allow_remote_models
        ? `${this.config.hub_url.replace(/\/+$/, '')}/${source.repoId}/resolve/${encodeURIComponent(source.revision)}/`
        : undefined;
    if (source.kind === 'hub') await useHubUrl(this.config.hub_url);
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
      local_files_only: source.kind === 'local' || !this.config.allow_remote_models,
      cache_dir: this.cacheDir,
      revision: source.kind === 'hub' ? source.revision : 'main',
    };
    if (downloading && source.kind === 'hub') {
      this.logger?.info(`downloading embedding model '${source.repoId}' into ${folder}`, { files: missing });
      if (this.config.show_progress) {
        load.progress_callback = hubDownloadProgress({
          repoId: source.repoId,
          cacheFolder: folder,
          stream: this.progressStream,
        });
      }
    }
    let loaded: SentenceEmbeddingModel;
    try {
      loaded = await SentenceEmbeddingModel.load({
        modelId: model.identifier,
        pathOrRepoId: source.kind === 'local' ? source.folder : source.repoId,
        folder,
        load,
        dtype,
        device: this.config.device,
        threads: this.config.threads,
        pooling,
        normalize: typeof metadata.normalize === 'boolean' ? metadata.normalize : true,
        maxTokens,
        maxBatchSize: this.config.max_batch_size,
        logger: this.logger,
      });
    } catch (error) {
      throw classifyLoadError(error, model, source, folder, remoteBase);
    }
    this.logger?.info(`loaded embedding model '${model.identifier}'`, {
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
    if (source.kind === 'hub') return this.downloadsOffError(model, source, folder, missing);
    if (!existsSync(folder)) {
      return new ModelFilesMissingError({
        modelId: model.identifier,
        folder: `the folder ${folder} does not exist; it`,
        missing,
        fix:
          `${layout}Check provider_model_id (a relative path resolves from ${this.baseDir}), ` +
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
