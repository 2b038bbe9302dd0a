import { defaultMaxChoices, type OpenAiCallOptions, unixSeconds } from '@llama-stack-ts/openai-compat';
import type { ErrorReporter } from '../errors/create-error-reporter.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import { serverVersion } from '../version.js';

/** What every OpenAI route handler needs, built once by `createOpenAiRoutes`. */
export interface OpenAiRouteContext {
  /** The stack's inference and models, as every surface reaches them. */
  inference: InferenceAccess;
  defaultModel: string | undefined;
  maxChoices: number;
  parallelChoices: boolean;
  /**
   * Maps and logs a failure (the error event of a stream too): in OpenAI's error shape on the
   * OpenAI routes, in TGI's where TGI's `/invocations` answers a chat or completion body.
   */
  report: ErrorReporter<object>;
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

/** What `openAiRouteContext` takes beside the inference and the reporter; each has a default. */
export interface OpenAiRouteSettings {
  defaultModel?: string | undefined;
  maxChoices?: number | undefined;
  parallelChoices?: boolean | undefined;
  systemFingerprint?: string | undefined;
}

/** The context of OpenAI's handlers, with their defaults, wherever they are served. */
export function openAiRouteContext(
  inference: InferenceAccess,
  report: ErrorReporter<object>,
  settings: OpenAiRouteSettings = {},
): OpenAiRouteContext {
  return {
    inference,
    defaultModel: settings.defaultModel,
    maxChoices: settings.maxChoices ?? defaultMaxChoices,
    parallelChoices: settings.parallelChoices ?? true,
    report,
    systemFingerprint: settings.systemFingerprint ?? `llama-stack-ts-${serverVersion}`,
    modelsCreated: unixSeconds(),
  };
}
