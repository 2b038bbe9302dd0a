import { type Model, NotFoundError } from '@llama-stack-ts/core';
import type { OpenAiModel, OpenAiModelList } from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import type { OpenAiRouteContext } from '../openai-answers/openai-route-context.js';

function toOpenAiModel(model: Model, created: number): OpenAiModel {
  return { id: model.identifier, object: 'model', created, owned_by: model.provider_id };
}

/** `GET /v1/models`: every registered model (llm and embedding), owned by its provider. */
export function listModelsRoute(context: OpenAiRouteContext): Handler {
  return async function listModels(c) {
    const { data } = await context.inference.stack.models.listModels({});
    const list: OpenAiModelList = {
      object: 'list',
      data: data.map((model) => toOpenAiModel(model, context.modelsCreated)),
    };
    return c.json(list);
  };
}

/** `GET /v1/models/{model}`: one model; ids may contain `/` (`meta-llama/Llama-3.2-1B`). */
export function retrieveModelRoute(context: OpenAiRouteContext): Handler {
  return async function retrieveModel(c) {
    const id = c.req.param('model') ?? '';
    const { data } = await context.inference.stack.models.listModels({});
    const model = data.find((candidate) => candidate.identifier === id);
    if (!model) throw new NotFoundError('model', id, 'GET /v1/models lists the registered models.');
    return c.json(toOpenAiModel(model, context.modelsCreated));
  };
}
