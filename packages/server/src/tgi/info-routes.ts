import type { Handler } from 'hono';
import { serverVersion } from '../version.js';
import { tryModelInfo, tryTokenize } from './optional-operation.js';
import { parseTgiBody } from './parse-tgi-body.js';
import type { TgiInfo, TgiSimpleToken } from './tgi-response-schemas.js';
import type { TgiRouteContext } from './tgi-route-context.js';
import { TgiGenerateRequest } from './tgi-schemas.js';
import { tokenSpans } from './token-spans.js';

/**
 * `GET /info`: the model TGI requests run on and its limits. The context length comes from the
 * provider (`inference.modelInfo`), else the model's `metadata.context_length` in the manifest,
 * else the `defaultContextLength` option.
 */
export function infoRoute(context: TgiRouteContext): Handler {
  return async function info(c) {
    const model = await context.model();
    const inference = context.inference.inference();
    let contextLength = (await tryModelInfo(inference, model, c.req.raw.signal))?.context_length;
    if (contextLength === undefined) {
      const registered = (await context.inference.stack.models.listModels({})).data.find(
        (entry) => entry.identifier === model,
      );
      const fromMetadata = registered?.metadata.context_length;
      if (typeof fromMetadata === 'number' && fromMetadata > 0) contextLength = fromMetadata;
    }
    const total = contextLength ?? context.defaultContextLength;
    const body: TgiInfo = {
      model_id: model,
      model_sha: null,
      model_pipeline_tag: 'text-generation',
      max_concurrent_requests: context.maxConcurrentRequests,
      max_best_of: 1,
      max_stop_sequences: 4,
      max_input_tokens: Math.max(1, total - 1),
      max_total_tokens: total,
      validation_workers: 1,
      max_client_batch_size: 1,
      router: 'llama-stack-ts',
      version: serverVersion,
      sha: null,
      docker_label: null,
    };
    return c.json(body);
  };
}

/**
 * `POST /tokenize`: the prompt's tokens with their character spans, through the provider's
 * optional `inference.tokenize`. A provider without a tokenizer is a 404, as TGI answers a model
 * without a fast tokenizer.
 */
export function tokenizeRoute(context: TgiRouteContext): Handler {
  return async function tokenize(c) {
    const body = await parseTgiBody(c, TgiGenerateRequest);
    const model = await context.model();
    const inference = context.inference.inference();
    const tokenized = await tryTokenize(inference, model, body.inputs, c.req.raw.signal);
    if (!tokenized) {
      return c.json(
        {
          error: `No tokenizer available for model '${model}': its provider does not tokenize.`,
          error_type: 'tokenizer',
        },
        404,
      );
    }
    const { tokens } = tokenized;
    const spans = tokenSpans(body.inputs, tokens);
    return c.json(
      tokens.map(
        (token, index): TgiSimpleToken => ({
          id: token.id,
          text: token.text,
          ...(spans[index] ?? { start: 0, stop: 0 }),
        }),
      ),
    );
  };
}

/**
 * `GET /health`: 200 with an empty body while every provider is healthy, else 503
 * `{ error: "unhealthy", error_type: "healthcheck" }`, as TGI answers.
 */
export function healthRoute(context: TgiRouteContext): Handler {
  return async function health(c) {
    let healthy = true;
    try {
      const providers = (await context.inference.stack.health?.()) ?? [];
      healthy = providers.every((provider) => provider.status === 'ok');
    } catch {
      healthy = false;
    }
    return healthy ? c.body(null, 200) : c.json({ error: 'unhealthy', error_type: 'healthcheck' }, 503);
  };
}
