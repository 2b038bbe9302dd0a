import type { ErrorReporter } from '../errors/create-error-reporter.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import { invalidParam } from './invalid-param.js';
import type { OpenAiErrorResponse } from './openai-error-shape.js';

/** What every OpenAI route handler needs, built once by `createOpenAiRoutes`. */
export interface OpenAiRouteContext {
  /** The stack's inference and models, as every surface reaches them. */
  inference: InferenceAccess;
  defaultModel: string | undefined;
  maxChoices: number;
  parallelChoices: boolean;
  /** Maps and logs a failure in OpenAI's error shape (the error event of a stream too). */
  report: ErrorReporter<OpenAiErrorResponse>;
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
