import { ApiNotServedError, type Inference } from '@llama-stack-ts/core';
import { instrumentInference } from '../metrics/instrument-inference.js';
import type { StackMetrics } from '../metrics/stack-metrics.js';
import type { ServableStack } from '../servable-stack.js';
import { type InferenceOperation, operationOf } from './operation-of.js';

/** The part of a stack the surfaces reach inference through: its API, its models, its health. */
export type InferenceStack = Pick<ServableStack, 'manifest' | 'apis' | 'models'> &
  Partial<Pick<ServableStack, 'health'>>;

/**
 * The one way every surface (Llama Stack, OpenAI, TGI) reaches `stack.apis.inference`. The calls
 * are counted in the metrics here, once, so `/metrics` sees every surface alike.
 */
export interface InferenceAccess {
  readonly stack: InferenceStack;
  /**
   * The stack's inference API, its completion, chat completion and embeddings calls counted in the
   * metrics. A distribution that serves no inference API is answered 404 (`ApiNotServedError`).
   */
  inference(): Inference;
  /**
   * Operation `name`, for a route that calls it by name: the counted one for the operations of the
   * inference protocol, the implementation's own for any other (an extension a custom route table
   * serves); `undefined` when the implementation has none.
   */
  operation(name: string): InferenceOperation | undefined;
}

export interface InferenceAccessOptions {
  /** Counts the inference calls (tokens, time to first token…) when given. */
  metrics?: StackMetrics;
}

/** Builds the access to `stack`'s inference; its counting wrapper is made once per implementation. */
export function createInferenceAccess(
  stack: InferenceStack,
  { metrics }: InferenceAccessOptions = {},
): InferenceAccess {
  let cached: { implementation: Inference; counted: Inference } | undefined;
  const inference = (): Inference => {
    const implementation = stack.apis.inference as Inference | undefined;
    if (!implementation) throw new ApiNotServedError('inference', stack.manifest.name);
    if (cached?.implementation !== implementation) {
      cached = {
        implementation,
        counted: metrics ? instrumentInference(implementation, metrics) : implementation,
      };
    }
    return cached.counted;
  };
  return {
    stack,
    inference,
    operation(name) {
      const counted = inference();
      return operationOf(Object.hasOwn(counted, name) ? counted : (cached?.implementation ?? counted), name);
    },
  };
}
