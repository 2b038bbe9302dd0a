import type { ErrorReporter } from '../errors/create-error-reporter.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import type { OpenAiRouteContext } from '../openai-answers/openai-route-context.js';
import type { TgiErrorResponse } from './tgi-error-shape.js';

/** What every TGI route handler needs, built once by `createTgiRoutes`. */
export interface TgiRouteContext {
  /** The stack's inference, models and health, as every surface reaches them. */
  inference: InferenceAccess;
  /** The model TGI requests run on (they name none). */
  model: () => Promise<string>;
  /** Maps and logs a failure in TGI's error shape (the error event of a stream too). */
  report: ErrorReporter<TgiErrorResponse>;
  /** `return_full_text` default of `POST /` (TGI: true for a text-generation model). */
  compatReturnFullText: boolean;
  maxConcurrentRequests: number;
  /** Context length `/info` reports when neither the provider nor the model's metadata knows it. */
  defaultContextLength: number;
  /** OpenAI's chat and completion handlers as `/invocations` runs them: errors in TGI's shape. */
  openAi: OpenAiRouteContext;
  /** The seed of a sampled request that sets none, reported back in `details.seed`. */
  randomSeed: () => number;
}
