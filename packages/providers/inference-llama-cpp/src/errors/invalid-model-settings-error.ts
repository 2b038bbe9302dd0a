import { StackError } from '@llama-stack-ts/core';

/** 400: a model's `metadata` sets a llama.cpp option to a value it cannot take. The message names the model and the field. */
export class InvalidModelSettingsError extends StackError {
  readonly modelId: string;

  constructor(options: { modelId: string; field: string; reason: string }) {
    super(
      400,
      'invalid_model_settings',
      `Model '${options.modelId}': metadata.${options.field}: ${options.reason}`,
      {
        field: `metadata.${options.field}`,
      },
    );
    this.name = 'InvalidModelSettingsError';
    this.modelId = options.modelId;
  }
}
