import type { RequestOptions } from '../request-options.js';
import type {
  CreateDatasetRequest,
  Dataset,
  DeleteDatasetRequest,
  GetDatasetRequest,
} from './datasets-schemas.js';

/**
 * Named references to training and evaluation data. An unknown `dataset_id` throws `NotFoundError`;
 * creating a dataset under an existing uuid throws `ConflictError`.
 */
export interface Datasets {
  createDataset(request: CreateDatasetRequest, options?: RequestOptions): Promise<void>;
  getDataset(request: GetDatasetRequest, options?: RequestOptions): Promise<Dataset>;
  deleteDataset(request: DeleteDatasetRequest, options?: RequestOptions): Promise<void>;
}
