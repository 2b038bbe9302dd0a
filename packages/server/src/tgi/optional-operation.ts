import {
  type Inference,
  type InferenceModelInfo,
  StackError,
  type TokenizeResponse,
} from '@llama-stack-ts/core';

/**
 * Calls one of Inference's optional operations; `undefined` when the model's provider lacks it.
 * Behind the router, the method may exist (another provider has it) and still not be implemented
 * for this model's provider, which answers `NotImplementedError`.
 */
async function optionalCall<Result>(run: (() => Promise<Result>) | undefined): Promise<Result | undefined> {
  if (!run) return undefined;
  try {
    return await run();
  } catch (error) {
    if (StackError.isInstance(error) && error.code === 'not_implemented') return undefined;
    throw error;
  }
}

export function tryTokenize(
  inference: Inference,
  model: string,
  content: string,
  signal: AbortSignal,
): Promise<TokenizeResponse | undefined> {
  const { tokenize } = inference;
  return optionalCall(tokenize && (() => tokenize.call(inference, { model, content }, { signal })));
}

export function tryModelInfo(
  inference: Inference,
  model: string,
  signal: AbortSignal,
): Promise<InferenceModelInfo | undefined> {
  const { modelInfo } = inference;
  return optionalCall(modelInfo && (() => modelInfo.call(inference, { model }, { signal })));
}
