import type { Inference, RequestOptions } from '@llama-stack-ts/core';
import pLimit, { type LimitFunction } from 'p-limit';

/** The inference calls a batch line makes. */
export type LineInference = Pick<Inference, 'chatCompletion' | 'completion' | 'embeddings'>;

/**
 * The inference calls of every batch line in this process, at most `parallelLines` at once and
 * the rest waiting in line order: with `parallelLines` set to the model's parallel sequences, the
 * sequences stay full (continuous batching) while no call waits in the provider's own queue, where
 * other clients' requests would find it full. A call whose signal aborted while it waited never starts.
 */
export class LineSlots {
  readonly #limit: LimitFunction;

  constructor(parallelLines: number) {
    this.#limit = pLimit(parallelLines);
  }

  /** How many calls are running. */
  get active(): number {
    return this.#limit.activeCount;
  }

  /** `inference` with every call taking a slot. */
  wrap(inference: LineInference): LineInference {
    const slot = <Request, Result>(
      call: (request: Request, options?: RequestOptions) => Promise<Result>,
    ): ((request: Request, options?: RequestOptions) => Promise<Result>) => {
      return (request, options) =>
        this.#limit(() => {
          options?.signal?.throwIfAborted();
          return call(request, options);
        });
    };
    return {
      chatCompletion: slot((request, options) => inference.chatCompletion(request, options)),
      completion: slot((request, options) => inference.completion(request, options)),
      embeddings: slot((request, options) => inference.embeddings(request, options)),
    };
  }
}
