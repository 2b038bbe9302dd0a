import { CompletionCreateRequest } from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import { answerCompletion } from '../openai-answers/answer-completion.js';
import type { OpenAiRouteContext } from '../openai-answers/openai-route-context.js';
import { parseOpenAiBody } from './parse-openai-body.js';

/** `POST /v1/completions`: the legacy text completion API, `n` choices per prompt. */
export function completionsRoute(context: OpenAiRouteContext): Handler {
  return async function completions(c) {
    return answerCompletion(context, c, await parseOpenAiBody(c, CompletionCreateRequest));
  };
}
