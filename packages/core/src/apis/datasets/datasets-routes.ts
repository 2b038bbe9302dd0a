import { z } from 'zod';
import { defineRoutes } from '../route-definition.js';
import type { Datasets } from './datasets-protocol.js';
import {
  CreateDatasetRequest,
  Dataset,
  DeleteDatasetRequest,
  GetDatasetRequest,
  IterrowsRequest,
  IterrowsResponse,
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
  {
    api: 'datasets',
    method: 'GET',
    path: '/datasets/iterrows',
    operation: 'iterrows',
    summary: "One page of a dataset's rows.",
    description:
      "Answers `limit` rows from `start_index` (0-based), typed as the dataset's columns say, and the " +
      "`next_start_index` to ask for next (null after the last row). After later Llama Stack's datasetio `iterrows`.",
    query: IterrowsRequest,
    response: IterrowsResponse,
    experimental: true,
  },
]);
