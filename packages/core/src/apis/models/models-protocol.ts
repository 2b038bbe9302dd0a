import type { RequestOptions } from '../request-options.js';
import type { GetModelRequest, ListModelsResponse, Model } from './models-schemas.js';

/** The models a distribution registers. Served by the stack itself from its manifest. */
export interface Models {
  listModels(request: Record<string, never>, options?: RequestOptions): Promise<ListModelsResponse>;
  getModel(request: GetModelRequest, options?: RequestOptions): Promise<Model>;
}
