import { StackError } from '@llama-stack-ts/core';

/**
 * 400: a registered model's GGUF file does not exist. The message names the model, the path as
 * written, the path it resolved to and how relative paths resolve.
 */
export class ModelFileNotFoundError extends StackError {
  readonly modelId: string;
  readonly path: string;

  constructor(options: { modelId: string; source: string; path: string; modelDir: string }) {
    super(
      400,
      'model_file_not_found',
      `Model '${options.modelId}': no GGUF file at ${options.path} (provider_model_id '${options.source}'). ` +
        `A relative path resolves against model_dir (${options.modelDir}); give an absolute path, set model_dir ` +
        '(LLAMA_CPP_MODEL_DIR), or download the file there.',
    );
    this.name = 'ModelFileNotFoundError';
    this.modelId = options.modelId;
    this.path = options.path;
  }
}
