import { StackError } from '@llama-stack-ts/core';

/** 400: the model files are there but transformers.js cannot load or run them (a bad ONNX graph, a wrong layout). */
export class ModelLoadError extends StackError {
  readonly modelId: string;

  constructor(modelId: string, source: string, reason: string, cause?: unknown) {
    super(400, 'invalid_model', `Embedding model '${modelId}' (${source}) cannot be loaded: ${reason}`, {
      field: 'provider_model_id',
      cause,
    });
    this.name = 'ModelLoadError';
    this.modelId = modelId;
  }
}
