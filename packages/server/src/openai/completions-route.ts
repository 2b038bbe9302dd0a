import { CompletionCreateRequest, prepareCompletion } from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import { callOptionsOf, type OpenAiRouteContext } from './openai-route-context.js';
import { respondWithOpenAiStream } from './openai-sse.js';
import { parseOpenAiBody } from './parse-openai-body.js';

/** `POST /v1/completions`: the legacy text completion API, `n` choices per prompt. */
export function completionsRoute(context: OpenAiRouteContext): Handler {
  return async function completions(c) {
    const body = await parseOpenAiBody(c, CompletionCreateRequest);
    const model = await resolveModel(context.inference.stack.models, body.model, 'llm', context.defaultModel);
    const call = prepareCompletion(body, model, callOptionsOf(context));
    if (body.stream) return respondWithOpenAiStream(c, context, (signal) => call.stream(signal));
    return c.json(await call.run(c.req.raw.signal));
  };
}
