import type { Inference } from '@llama-stack-ts/core';

/** How an OpenAI request runs on the stack's inference: what the `/v1` routes and batch lines share. */
export interface OpenAiCallOptions {
  /** The stack's inference API. */
  inference: Inference;
  /** Most choices one request may ask for (`n`, times the prompts of `/v1/completions`). Default 8. */
  maxChoices?: number;
  /**
   * Send a request's `n` choices to the provider at once (it queues or batches them) instead of one
   * after the other. Default `true`.
   */
  parallelChoices?: boolean;
  /** The `system_fingerprint` of the answer. */
  systemFingerprint: string;
}

export const defaultMaxChoices = 8;
