import { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import type { StackMetrics } from '../metrics/stack-metrics.js';
import { serverVersion } from '../version.js';
import { chatCompletionsRoute } from './chat-completions-route.js';
import { completionsRoute } from './completions-route.js';
import { embeddingsRoute } from './embeddings-route.js';
import { listModelsRoute, retrieveModelRoute } from './models-route.js';
import { createOpenAiOnError } from './openai-error.js';
import { unixSeconds } from './openai-ids.js';
import type { OpenAiRouteContext } from './openai-route-context.js';
import { type InferenceStack, stackInference } from './stack-inference.js';

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
  /** Counts inference calls (tokens, time to first token…) when given. */
  metrics?: StackMetrics;
  /** Where server faults are logged. Default: `pino()` to stdout. */
  logger?: Logger;
  /** The `system_fingerprint` of every answer. Default `llama-stack-ts-<server version>`. */
  systemFingerprint?: string;
}

/**
 * The OpenAI-compatible API over a stack's inference: `POST /v1/chat/completions`,
 * `POST /v1/completions`, `POST /v1/embeddings`, `GET /v1/models`, `GET /v1/models/{model}`.
 * Streams are Server-Sent Events ending with `data: [DONE]`; errors take OpenAI's shape
 * (`{ error: { message, type, param, code } }`). Every call goes through `stack.apis.inference`.
 *
 * Mount it on the stack app: `app.route('/', createOpenAiRoutes(stack, { metrics }))`.
 */
export function createOpenAiRoutes(stack: InferenceStack, options: OpenAiRoutesOptions = {}): Hono {
  const context: OpenAiRouteContext = {
    stack,
    inference: stackInference(stack, options.metrics),
    defaultModel: options.defaultModel,
    maxChoices: options.maxChoices ?? 8,
    parallelChoices: options.parallelChoices ?? true,
    logger: options.logger ?? pino({ name: 'llama-stack-ts' }),
    systemFingerprint: options.systemFingerprint ?? `llama-stack-ts-${serverVersion}`,
    modelsCreated: unixSeconds(),
  };
  const app = new Hono();
  app.onError(createOpenAiOnError(context.logger));
  app.post('/v1/chat/completions', chatCompletionsRoute(context));
  app.post('/v1/completions', completionsRoute(context));
  app.post('/v1/embeddings', embeddingsRoute(context));
  app.get('/v1/models', listModelsRoute(context));
  app.get('/v1/models/:model{.+}', retrieveModelRoute(context));
  return app;
}
