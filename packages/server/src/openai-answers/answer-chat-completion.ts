import { type ChatCompletionCreateRequest, prepareChatCompletion } from '@llama-stack-ts/openai-compat';
import type { Context } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import { callOptionsOf, type OpenAiRouteContext } from './openai-route-context.js';
import { respondWithOpenAiStream } from './openai-sse.js';

/**
 * The answer to a validated chat completion request, in OpenAI's shape: what
 * `/v1/chat/completions` answers, and TGI's `/invocations` for a `messages` body.
 */
export async function answerChatCompletion(
  context: OpenAiRouteContext,
  c: Context,
  body: ChatCompletionCreateRequest,
): Promise<Response> {
  const model = await resolveModel(context.inference.stack.models, body.model, 'llm', context.defaultModel);
  const call = prepareChatCompletion(body, model, callOptionsOf(context));
  if (body.stream) return respondWithOpenAiStream(c, context, (signal) => call.stream(signal));
  return c.json(await call.run(c.req.raw.signal));
}
