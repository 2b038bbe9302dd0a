import { randomInt } from 'node:crypto';
import { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import { createErrorReporter } from '../errors/create-error-reporter.js';
import { createOnError } from '../errors/create-on-error.js';
import type { InferenceAccess } from '../inference-access/inference-access.js';
import { resolveModel } from '../inference-access/resolve-model.js';
import { openAiRouteContext } from '../openai-answers/openai-route-context.js';
import { healthRoute } from './info-routes.js';
import { tgiErrorShape } from './tgi-error-shape.js';
import type { TgiRouteContext } from './tgi-route-context.js';
import { tgiRoutes } from './tgi-routes.js';

export interface TgiRoutesOptions {
  /**
   * The model TGI requests run on (they name none): the manifest's `server.tgi_model`. Default: the
   * first registered `llm` model.
   */
  tgiModel?: string;
  /** `return_full_text` default of `POST /`. Default `true`, as TGI has it for text-generation models. */
  compatReturnFullText?: boolean;
  /** `max_concurrent_requests` reported by `/info`. Default 128. */
  maxConcurrentRequests?: number;
  /** Context length `/info` reports when the provider and the manifest say none. Default 4096. */
  defaultContextLength?: number;
  /** Serve `GET /health` in TGI's form. Default `true`; off when the host app has its own `/health`. */
  health?: boolean;
  /** Where server faults are logged. Default: `pino()` to stdout. */
  logger?: Logger;
}

/**
 * Text Generation Inference's native API over a stack's inference: `POST /generate`,
 * `POST /generate_stream`, `POST /` (streamed or not per `stream`), `POST /invocations` (SageMaker's
 * entry point: a `POST /`, chat or completion body), `POST /tokenize`, `GET /info` and `GET /health`, with TGI's parameters, SSE events and error shapes (`{ error, error_type }`:
 * 422 validation, 424 generation, 429 overloaded, 499 a closed client). Generation is a raw-prompt
 * completion through `inference`, the access the app's surfaces share. `GET /metrics` is served by
 * `createMetricsRoutes`.
 *
 * Where it differs from TGI, because the stack's contract says less than TGI's engine knows:
 * - `finish_reason` is `length` or `eos_token`, never `stop_sequence` (a stop string reads `eos_token`).
 * - Token ids and log probabilities come from the provider's log probabilities, asked for when the
 *   answer shows them (every stream; `details`, `decoder_input_details`, `top_n_tokens`). A provider
 *   that gives none leaves `id: 0, logprob: null`. `prefill` tokens have `logprob: null`.
 * - A stream that ends on an end-of-sequence token the provider does not show ends with an empty special token.
 * - `best_of` > 1, `typical_p`, `watermark` and `adapter_id` are rejected (422); a regex `grammar`
 *   runs as a GBNF grammar (`regexToGbnf`), so providers must accept `response_format.grammar`.
 *
 * Mount it on an app: `app.route('/', createTgiRoutes(createInferenceAccess(stack), { tgiModel }))`.
 */
export function createTgiRoutes(inference: InferenceAccess, options: TgiRoutesOptions = {}): Hono {
  const report = createErrorReporter(tgiErrorShape, options.logger ?? pino({ name: 'llama-stack-ts' }));
  const context: TgiRouteContext = {
    inference,
    model: () => resolveModel(inference.stack.models, undefined, 'llm', options.tgiModel),
    report,
    compatReturnFullText: options.compatReturnFullText ?? true,
    maxConcurrentRequests: options.maxConcurrentRequests ?? 128,
    defaultContextLength: options.defaultContextLength ?? 4096,
    randomSeed: () => randomInt(1, 2 ** 32),
    openAi: openAiRouteContext(inference, report, { defaultModel: options.tgiModel }),
  };
  const app = new Hono();
  app.onError(createOnError(report));
  for (const route of tgiRoutes) app.on(route.method, route.path, route.handler(context));
  if (options.health ?? true) app.get('/health', healthRoute(context));
  return app;
}
