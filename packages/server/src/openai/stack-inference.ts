import { ApiNotServedError, type Inference, InvalidRequestError, type ModelType } from '@llama-stack-ts/core';
import { instrumentInference } from '../metrics/instrument-inference.js';
import type { StackMetrics } from '../metrics/stack-metrics.js';
import type { ServableStack } from '../servable-stack.js';

/** The part of a stack the OpenAI and TGI routes use: its inference API and its model list. */
export type InferenceStack = Pick<ServableStack, 'manifest' | 'apis' | 'models'>;

/**
 * A getter for the stack's inference API, wrapped once with `instrumentInference` when `metrics` is
 * given. A distribution that serves no inference API is answered 404 (`ApiNotServedError`) per request.
 */
export function stackInference(stack: InferenceStack, metrics?: StackMetrics): () => Inference {
  let cached: { raw: unknown; wrapped: Inference } | undefined;
  return function inference() {
    const raw = stack.apis.inference as Inference | undefined;
    if (!raw) throw new ApiNotServedError('inference', stack.manifest.name);
    if (cached?.raw !== raw) cached = { raw, wrapped: metrics ? instrumentInference(raw, metrics) : raw };
    return cached.wrapped;
  };
}

/**
 * Whether a request's `model` names no model in particular: absent, empty, `tgi` (what TGI's
 * clients send; TGI ignores the field) or a URL (what `@huggingface/inference` sends with
 * `endpointUrl` and no model).
 */
export function isPlaceholderModel(model: string | null | undefined): boolean {
  return !model || model === 'tgi' || /^https?:\/\//.test(model);
}

/**
 * The model a request runs on: the one it names, else `fallback` when given, else the first
 * registered model of `modelType`. An unregistered name is left for the inference router, which
 * answers it with a 404 that says how to register it.
 */
export async function resolveModel(
  stack: InferenceStack,
  requested: string | null | undefined,
  modelType: ModelType,
  fallback?: string,
): Promise<string> {
  if (!isPlaceholderModel(requested)) return requested as string;
  if (fallback) return fallback;
  const { data } = await stack.models.listModels({});
  const first = data.find((model) => model.model_type === modelType);
  if (!first) {
    throw new InvalidRequestError(
      'model',
      `required: name a model. This distribution registers no ${modelType} model to default to; add one under \`models:\` in distribution.yaml.`,
    );
  }
  return first.identifier;
}
