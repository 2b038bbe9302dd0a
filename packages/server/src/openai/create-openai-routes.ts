import { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import { createErrorReporter } from '../errors/create-error-reporter.js';
import { createOnError } from '../errors/create-on-error.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import { openAiRouteContext } from '../openai-answers/openai-route-context.js';
import { openAiErrorShape } from './openai-error-shape.js';
import { openAiRoutes } from './openai-routes.js';

export interface OpenAiRoutesOptions {
  /**
   * The model a request runs on when its `model` names none (absent, `tgi`, or a URL, as TGI's and
   * Hugging Face's clients send). Default: the first registered model of the kind the route needs.
   * A model id that is not registered is always a 404 `model_not_found`.
   */
  defaultModel?: string;
  /** Most choices one request may ask for (`n`, times the prompts of `/v1/completions`). Default 8. */
  maxChoices?: number;
  /**
   * Send a request's `n` choices to the provider at once (it queues or batches them) instead of one
   * after the other. Default `true`.
   */
  parallelChoices?: boolean;
  /** Where server faults are logged. Default: `pino()` to stdout. */
  logger?: Logger;
  /** The `system_fingerprint` of every answer. Default `llama-stack-ts-<server version>`. */
  systemFingerprint?: string;
}

/**
 * The OpenAI-compatible API over a stack's inference: `POST /v1/chat/completions`,
 * `POST /v1/completions`, `POST /v1/embeddings`, `GET /v1/models`, `GET /v1/models/{model}`.
 * Streams are Server-Sent Events ending with `data: [DONE]`; errors take OpenAI's shape
 * (`{ error: { message, type, param, code } }`), a closed client 499. Every call goes through
 * `inference`, the access the app's surfaces share (`createInferenceAccess(stack, { metrics })`).
 *
 * Mount it on an app: `app.route('/', createOpenAiRoutes(createInferenceAccess(stack)))`.
 */
export function createOpenAiRoutes(inference: InferenceAccess, options: OpenAiRoutesOptions = {}): Hono {
  const report = createErrorReporter(openAiErrorShape, options.logger ?? pino({ name: 'llama-stack-ts' }));
  const context = openAiRouteContext(inference, report, options);
  const app = new Hono();
  app.onError(createOnError(report));
  for (const route of openAiRoutes) app.on(route.method, route.path, route.handler(context));
  return app;
}
