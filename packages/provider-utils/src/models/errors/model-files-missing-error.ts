import { StackError } from '@llama-stack-ts/core';

/**
 * 400: a registered model's source (a local folder, or a hub model in the cache with downloads off)
 * lacks files the provider needs. The message names the model, the folder, each missing file and
 * the ways to fix it.
 */
export class ModelFilesMissingError extends StackError {
  readonly modelId: string;
  readonly folder: string;
  readonly missing: readonly string[];

  constructor(options: { modelId: string; folder: string; missing: readonly string[]; fix: string }) {
    super(
      400,
      'model_files_missing',
      `Embedding model '${options.modelId}': ${options.folder} is missing ${options.missing.join(', ')}. ${options.fix}`,
      { field: 'provider_model_id' },
    );
    this.name = 'ModelFilesMissingError';
    this.modelId = options.modelId;
    this.folder = options.folder;
    this.missing = options.missing;
  }

  /** A hub model missing from the cache while downloads are off: names the three ways out. */
  static downloadsOff(options: {
    modelId: string;
    folder: string;
    missing: readonly string[];
    repoId: string;
    hubUrl: string;
  }): ModelFilesMissingError {
    return new ModelFilesMissingError({
      modelId: options.modelId,
      folder: `the model cache ${options.folder}`,
      missing: options.missing,
      fix:
        `Downloads are off (allow_remote_models: false): turn them on to fetch '${options.repoId}' from ${options.hubUrl}, ` +
        'or copy the model files into that folder, or set provider_model_id to a local folder.',
    });
  }
}
