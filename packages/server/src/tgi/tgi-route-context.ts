import type { Inference } from '@llama-stack-ts/core';
import type { Logger } from 'pino';
import type { InferenceStack } from '../openai/stack-inference.js';
import type { ServableStack } from '../servable-stack.js';

/** The part of a stack the TGI routes use; `health` answers `/health` when present. */
export type TgiStack = InferenceStack & Partial<Pick<ServableStack, 'health'>>;

/** What every TGI route handler needs, built once by `createTgiRoutes`. */
export interface TgiRouteContext {
  stack: TgiStack;
  inference: () => Inference;
  /** The model TGI requests run on (they name none). */
  model: () => Promise<string>;
  logger: Logger;
  /** `return_full_text` default of `POST /` (TGI: true for a text-generation model). */
  compatReturnFullText: boolean;
  maxConcurrentRequests: number;
  /** Context length `/info` reports when neither the provider nor the model's metadata knows it. */
  defaultContextLength: number;
  /** The seed of a sampled request that sets none, reported back in `details.seed`. */
  randomSeed: () => number;
}
