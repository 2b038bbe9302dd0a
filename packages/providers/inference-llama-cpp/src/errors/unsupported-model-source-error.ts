import { StackError } from '@llama-stack-ts/core';

/**
 * 400: a model's `provider_model_id` is an `hf:` reference this provider cannot read (malformed).
 * The message shows the accepted forms.
 */
export class UnsupportedModelSourceError extends StackError {
  readonly modelId: string;
  readonly source: string;

  constructor(options: { modelId: string; source: string; reason: string }) {
    super(400, 'unsupported_model_source', `Model '${options.modelId}': provider_model_id ${options.reason}`);
    this.name = 'UnsupportedModelSourceError';
    this.modelId = options.modelId;
    this.source = options.source;
  }
}
