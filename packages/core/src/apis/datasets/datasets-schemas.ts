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

/** Most rows one `GET /datasets/iterrows` page may hold. */
export const maxIterrowsLimit = 1000;

export const DatasetRow = JsonObject.meta({
  id: 'DatasetRow',
  description:
    "One row: each column's value by column name, typed as the dataset's `columns` say (a `dialog` is a list of Message).",
});
export type DatasetRow = z.infer<typeof DatasetRow>;

/** Query parameters arrive as strings; the numbers are coerced. */
export const IterrowsRequest = z
  .object({
    dataset_id: DatasetId,
    start_index: z.coerce
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('Index of the first row to answer with, counting from 0. Default 0.'),
    limit: z.coerce
      .number()
      .int()
      .positive()
      .max(maxIterrowsLimit)
      .default(100)
      .describe(`Most rows to answer with, 1 to ${maxIterrowsLimit}. Default 100.`),
  })
  .meta({ id: 'IterrowsRequest' });
export type IterrowsRequest = z.infer<typeof IterrowsRequest>;
export type IterrowsRequestInput = z.input<typeof IterrowsRequest>;

export const IterrowsResponse = z
  .object({
    data: z.array(DatasetRow).describe('The rows from `start_index` on, in order.'),
    next_start_index: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .describe('The `start_index` of the next page; null when the dataset has no rows after these.'),
  })
  .meta({
    id: 'IterrowsResponse',
    description: "One page of a dataset's rows (later Llama Stack's datasetio).",
  });
export type IterrowsResponse = z.infer<typeof IterrowsResponse>;

/** What `Datasets.iterateRows` takes: in process only, so a plain type. */
export interface IterateRowsRequest {
  dataset_id: string;
  /** Index of the first row to yield, counting from 0. Default 0. */
  start_index?: number;
}
