import { StackError } from '@llama-stack-ts/core';

/**
 * 400: a model's `provider_model_id` is a reference this provider does not fetch itself (`hf:…`).
 * The message says how to get the file and point the model at it.
 */
export class UnsupportedModelSourceError extends StackError {
  readonly modelId: string;
  readonly source: string;

  constructor(options: { modelId: string; source: string }) {
    super(
      400,
      'unsupported_model_source',
      `Model '${options.modelId}': provider_model_id '${options.source}' is a Hugging Face reference, which ` +
        'inline::llama-cpp does not download yet. Download the GGUF file (e.g. `npx node-llama-cpp pull ' +
        `${options.source}\`) and set provider_model_id to its path.`,
    );
    this.name = 'UnsupportedModelSourceError';
    this.modelId = options.modelId;
    this.source = options.source;
  }
}
