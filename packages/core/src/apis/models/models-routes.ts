import { defineRoutes } from '../route-definition.js';
import type { Models } from './models-protocol.js';
import { GetModelRequest, ListModelsResponse, Model } from './models-schemas.js';

export const modelsRoutes = defineRoutes<Models>()([
  {
    api: 'models',
    method: 'GET',
    path: '/models/list',
    operation: 'listModels',
    summary: 'List the models the distribution registers.',
    response: ListModelsResponse,
    experimental: true,
  },
  {
    api: 'models',
    method: 'GET',
    path: '/models/get',
    operation: 'getModel',
    summary: 'Get one registered model by its identifier.',
    query: GetModelRequest,
    response: Model,
    experimental: true,
  },
]);
