import { StackError } from '@llama-stack-ts/core';

/** 400: the model files are there but do not hold what a Model2Vec model must (wrong tensors, shapes). */
export class ModelFormatError extends StackError {
  readonly modelId: string;

  constructor(modelId: string, file: string, reason: string) {
    super(400, 'invalid_model', `Embedding model '${modelId}': ${file} ${reason}`, {
      field: 'provider_model_id',
    });
    this.name = 'ModelFormatError';
    this.modelId = modelId;
  }
}
