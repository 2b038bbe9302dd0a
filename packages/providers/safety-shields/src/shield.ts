import type { JsonObject, Message, RequestOptions, SafetyViolation } from '@llama-stack-ts/core';

/** One configured shield: checks a conversation and answers a violation or null. */
export interface Shield {
  readonly shieldId: string;
  readonly shieldType: string;
  /**
   * `params` are the shield's configured params with the request's `params` laid over them, so a
   * caller can narrow a check (e.g. exclude Llama Guard categories) per call.
   */
  run(
    messages: readonly Message[],
    params: JsonObject,
    options?: RequestOptions,
  ): Promise<SafetyViolation | null>;
  dispose?(): Promise<void>;
}
