import type { Inference } from '@llama-stack-ts/core';
import type { Logger } from 'pino';
import { invalidParam } from './parse-openai-body.js';
import type { InferenceStack } from './stack-inference.js';

/** What every OpenAI route handler needs, built once by `createOpenAiRoutes`. */
export interface OpenAiRouteContext {
  stack: InferenceStack;
  /** The stack's inference API (instrumented when metrics are on). */
  inference: () => Inference;
  defaultModel: string | undefined;
  maxChoices: number;
  parallelChoices: boolean;
  logger: Logger;
  systemFingerprint: string;
  /** `created` of every model in `/v1/models`: when the app was built. */
  modelsCreated: number;
}

/** Checks that `n` (times the prompt count) stays within `maxChoices`. */
export function choiceCount(context: OpenAiRouteContext, n: number | null | undefined, prompts = 1): number {
  const count = n ?? 1;
  if (count * prompts > context.maxChoices) {
    const what = prompts > 1 ? `n × prompts (${count} × ${prompts})` : `n (${count})`;
    throw invalidParam(
      'n',
      `${what} is more than this server generates for one request (${context.maxChoices})`,
    );
  }
  return count;
}
