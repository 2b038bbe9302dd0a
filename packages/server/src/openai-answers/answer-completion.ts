import { type CompletionCreateRequest, prepareCompletion } from '@llama-stack-ts/openai-compat';
import type { Context } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import { callOptionsOf, type OpenAiRouteContext } from './openai-route-context.js';
import { respondWithOpenAiStream } from './openai-sse.js';

/**
 * The answer to a validated text completion request, in OpenAI's shape: what `/v1/completions`
 * answers, and TGI's `/invocations` for a `prompt` body.
 */
export async function answerCompletion(
  context: OpenAiRouteContext,
  c: Context,
  body: CompletionCreateRequest,
): Promise<Response> {
  const model = await resolveModel(context.inference.stack.models, body.model, 'llm', context.defaultModel);
  const call = prepareCompletion(body, model, callOptionsOf(context));
  if (body.stream) return respondWithOpenAiStream(c, context, (signal) => call.stream(signal));
  return c.json(await call.run(c.req.raw.signal));
}
