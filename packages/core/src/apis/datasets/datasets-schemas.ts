import { z } from 'zod';
import { JsonObject, URL } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';

/**
 * Wire types of the Datasets API (`api_definitions.py`; `Dataset` comes from the July 2024
 * draft's `post_training_types.py`, and PostTraining imports it from here).
 */

export const DatasetColumnType = z
  .enum(['dialog', 'text', 'media', 'number', 'json'])
  .meta({ id: 'DatasetColumnType' });
export type DatasetColumnType = z.infer<typeof DatasetColumnType>;

export const Dataset = z
  .object({
    columns: z
      .record(z.string().min(1, 'column names must be non-empty'), DatasetColumnType)
      .describe('The type of each column, by column name.'),
    content_url: URL.describe('Where the rows are: an http(s)://, file:// or data: URL.'),
    metadata: JsonObject.default({}),
  })
  .meta({ id: 'Dataset', description: 'A dataset to train or evaluate language models with.' });
export type Dataset = z.infer<typeof Dataset>;
export type DatasetInput = z.input<typeof Dataset>;

const DatasetId = identifier('must name a dataset (the uuid it was created with)');

export const CreateDatasetRequest = z
  .object({
    uuid: DatasetId.describe('The id the dataset is stored under; `dataset_id` of the other routes.'),
    dataset: Dataset,
  })
  .meta({ id: 'CreateDatasetRequest' });
export type CreateDatasetRequest = z.infer<typeof CreateDatasetRequest>;
export type CreateDatasetRequestInput = z.input<typeof CreateDatasetRequest>;

export const GetDatasetRequest = z.object({ dataset_id: DatasetId });
export type GetDatasetRequest = z.infer<typeof GetDatasetRequest>;

export const DeleteDatasetRequest = z.object({ dataset_id: DatasetId });
export type DeleteDatasetRequest = z.infer<typeof DeleteDatasetRequest>;
