import { ChatCompletionCreateRequest, prepareChatCompletion } from '@llama-stack-ts/openai-compat';
import type { Context, Handler } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import { callOptionsOf, type OpenAiRouteContext } from './openai-route-context.js';
import { respondWithOpenAiStream } from './openai-sse.js';
import { parseOpenAiBody } from './parse-openai-body.js';

/** `POST /v1/chat/completions`: one stack chat completion per choice, answered as OpenAI does. */
export function chatCompletionsRoute(context: OpenAiRouteContext): Handler {
  return async function chatCompletions(c) {
    return answerChatCompletion(context, c, await parseOpenAiBody(c, ChatCompletionCreateRequest));
  };
}

/** The answer to a validated chat completion request: what `/invocations` answers a `messages` body too. */
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
