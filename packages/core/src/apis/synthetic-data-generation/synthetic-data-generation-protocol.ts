import type { RequestOptions } from '../request-options.js';
import type {
  SyntheticDataGenerationRequest,
  SyntheticDataGenerationResponse,
} from './synthetic-data-generation-schemas.js';

/** Generates answers to prompts, scores them with a reward model, and keeps those the filter passes. */
export interface SyntheticDataGeneration {
  generate(
    request: SyntheticDataGenerationRequest,
    options?: RequestOptions,
  ): Promise<SyntheticDataGenerationResponse>;
}
