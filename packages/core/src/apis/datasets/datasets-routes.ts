import { z } from 'zod';
import { defineRoutes } from '../route-definition.js';
import type { Datasets } from './datasets-protocol.js';
import {
  CreateDatasetRequest,
  Dataset,
  DeleteDatasetRequest,
  GetDatasetRequest,
} from './datasets-schemas.js';

export const datasetsRoutes = defineRoutes<Datasets>()([
  {
    api: 'datasets',
    method: 'POST',
    path: '/datasets/create',
    operation: 'createDataset',
    summary: 'Store a dataset under a uuid.',
    body: CreateDatasetRequest,
    response: z.null(),
  },
  {
    api: 'datasets',
    method: 'GET',
    path: '/datasets/get',
    operation: 'getDataset',
    summary: 'Get a dataset by its uuid.',
    query: GetDatasetRequest,
    response: Dataset,
  },
  {
    api: 'datasets',
    method: 'DELETE',
    path: '/datasets/delete',
    operation: 'deleteDataset',
    summary: 'Delete a dataset by its uuid.',
    query: DeleteDatasetRequest,
    response: z.null(),
  },
]);
