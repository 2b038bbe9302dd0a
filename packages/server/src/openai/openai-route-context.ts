import type { OpenAiCallOptions, OpenAiErrorResponse } from '@llama-stack-ts/openai-compat';
import type { ErrorReporter } from '../errors/create-error-reporter.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';

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

/** How a route's request runs on the counted inference. */
export function callOptionsOf(context: OpenAiRouteContext): OpenAiCallOptions {
  return {
    inference: context.inference.inference(),
    maxChoices: context.maxChoices,
    parallelChoices: context.parallelChoices,
    systemFingerprint: context.systemFingerprint,
  };
}
