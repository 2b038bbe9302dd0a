import type { RequestOptions } from '../request-options.js';
import type { RunShieldRequest, RunShieldResponse } from './safety-schemas.js';

/**
 * The Safety API: shields (Llama Guard, Prompt Guard, a code scanner) that check a conversation.
 * A provider answers `violation: null` for a safe conversation and throws `NotFoundError` for a
 * `shield_type` it does not serve.
 */
export interface Safety {
  /** `POST /safety/run_shield` (experimental). The request carries `shield_type`, never `shield_id`. */
  runShield(request: RunShieldRequest, options?: RequestOptions): Promise<RunShieldResponse>;
}
