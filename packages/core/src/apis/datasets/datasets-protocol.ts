import type { RequestOptions } from '../request-options.js';
import type {
  CreateDatasetRequest,
  Dataset,
  DatasetRow,
  DeleteDatasetRequest,
  GetDatasetRequest,
  IterateRowsRequest,
  IterrowsRequest,
  IterrowsResponse,
} from './datasets-schemas.js';

/**
 * Named references to training and evaluation data. An unknown `dataset_id` throws `NotFoundError`;
 * creating a dataset under an existing uuid throws `ConflictError`. Creating one checks every row
 * against the columns' types, so the rows read later are typed as the columns say.
 */
export interface Datasets {
  createDataset(request: CreateDatasetRequest, options?: RequestOptions): Promise<void>;
  getDataset(request: GetDatasetRequest, options?: RequestOptions): Promise<Dataset>;
  deleteDataset(request: DeleteDatasetRequest, options?: RequestOptions): Promise<void>;
  /**
   * One page of rows (`GET /datasets/iterrows`, experimental: later Llama Stack's datasetio
   * `iterrows`): `limit` rows from `start_index`, and where the next page starts.
   */
  iterrows(request: IterrowsRequest, options?: RequestOptions): Promise<IterrowsResponse>;
  /**
   * Every row from `start_index` on, read as the loop asks for them (memory stays flat however
   * large the dataset): how other providers (batch inference, post-training) read a dataset in
   * process. No HTTP route; leaving the loop early or aborting `signal` closes the content.
   */
  iterateRows(request: IterateRowsRequest, options?: RequestOptions): AsyncIterable<DatasetRow>;
}
