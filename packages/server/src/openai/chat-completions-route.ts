import { ChatCompletionCreateRequest } from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import { answerChatCompletion } from '../openai-answers/answer-chat-completion.js';
import type { OpenAiRouteContext } from '../openai-answers/openai-route-context.js';
import { parseOpenAiBody } from './parse-openai-body.js';

/** `POST /v1/chat/completions`: one stack chat completion per choice, answered as OpenAI does. */
export function chatCompletionsRoute(context: OpenAiRouteContext): Handler {
  return async function chatCompletions(c) {
    return answerChatCompletion(context, c, await parseOpenAiBody(c, ChatCompletionCreateRequest));
  };
}
