import { InvalidRequestError, type Models, type ModelType } from '@llama-stack-ts/core';

/**
 * Whether a request's `model` names no model in particular: absent, empty, `tgi` (what TGI's
 * clients send; TGI ignores the field) or a URL (what `@huggingface/inference` sends with
 * `endpointUrl` and no model).
 */
function isPlaceholderModel(model: string | null | undefined): boolean {
  return !model || model === 'tgi' || /^https?:\/\//.test(model);
}

/**
 * The model a request runs on: the one it names, else `fallback` when given, else the first
 * registered model of `modelType`. An unregistered name is left for the inference router, which
 * answers it with a 404 that says how to register it.
 */
export async function resolveModel(
  models: Models,
  requested: string | null | undefined,
  modelType: ModelType,
  fallback?: string,
): Promise<string> {
  if (!isPlaceholderModel(requested)) return requested as string;
  if (fallback) return fallback;
  const { data } = await models.listModels({});
  const first = data.find((model) => model.model_type === modelType);
  if (!first) {
    throw new InvalidRequestError(
      'model',
      `required: name a model. This distribution registers no ${modelType} model to default to; add one under \`models:\` in distribution.yaml.`,
    );
  }
  return first.identifier;
}
