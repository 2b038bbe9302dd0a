import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Model } from '@llama-stack-ts/core';
import {
  downloadHubFiles,
  type EmbeddingInferenceOptions,
  EmbeddingOnlyInference,
  hubCacheFolder,
  ModelFilesMissingError,
  type ModelSource,
} from '@llama-stack-ts/provider-utils/models';
import type { Model2VecConfig } from './model2vec-config.js';
import { Model2VecModel, model2VecFiles } from './model2vec-model.js';

export const model2VecProviderType = 'inline::model2vec';

/** Texts embedded between two yields to the event loop, so a huge batch does not stall the server. */
const textsPerSlice = 256;

export interface Model2VecInferenceOptions extends EmbeddingInferenceOptions {
  config: Model2VecConfig;
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
export class Model2VecInference extends EmbeddingOnlyInference<Model2VecModel, Model2VecConfig> {
  constructor(options: Model2VecInferenceOptions) {
    super({ ...options, providerType: model2VecProviderType });
  }

  protected async embedTexts(
    model: Model2VecModel,
    texts: string[],
    signal?: AbortSignal,
  ): Promise<number[][]> {
    const embeddings: number[][] = [];
    for (let start = 0; start < texts.length; start += textsPerSlice) {
      if (start > 0) {
        await yieldToEventLoop();
        signal?.throwIfAborted();
        this.guard();
      }
      embeddings.push(...model.embed(texts.slice(start, start + textsPerSlice)));
    }
    return embeddings;
  }

  protected async loadModel(model: Model): Promise<Model2VecModel> {
    const started = performance.now();
    const folder = await this.#folderOf(model, this.modelSource(model));
    const normalize = model.metadata.normalize;
    const loaded = await Model2VecModel.load(folder, {
      modelId: model.identifier,
      normalize: typeof normalize === 'boolean' ? normalize : undefined,
      maxTokens: this.config.max_tokens,
    });
    this.logger?.info(`loaded embedding model '${model.identifier}'`, {
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
              ? `Check provider_model_id (a relative path resolves from ${this.baseDir}), `
              : 'Copy the missing files in, ') +
            'or set provider_model_id to a hub id such as hf:minishlab/potion-base-8M to download it on first use.',
        });
      }
      return source.folder;
    }

    const folder = hubCacheFolder(this.cacheDir, source.repoId, source.revision);
    const missing = missingFiles(folder);
    if (missing.length === 0) return folder;
    if (!this.config.allow_remote_models) throw this.downloadsOffError(model, source, folder, missing);
    this.logger?.info(`downloading embedding model '${source.repoId}' into ${folder}`, { files: missing });
    return downloadHubFiles({
      repoId: source.repoId,
      revision: source.revision,
      files: missing,
      hubUrl: this.config.hub_url,
      cacheDir: this.cacheDir,
      progressStream: this.config.show_progress ? this.progressStream : null,
    });
  }
}

function missingFiles(folder: string): string[] {
  return model2VecFiles.filter((file) => !existsSync(join(folder, file)));
}
