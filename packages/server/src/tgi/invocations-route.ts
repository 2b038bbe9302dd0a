import {
  ChatCompletionCreateRequest,
  CompletionCreateRequest,
  parseOpenAiRequest,
} from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import { answerChatCompletion } from '../openai-answers/answer-chat-completion.js';
import { answerCompletion } from '../openai-answers/answer-completion.js';
import { answerCompatGenerate } from './generate-routes.js';
import { readTgiJson, validateTgiBody } from './parse-tgi-body.js';
import type { TgiRouteContext } from './tgi-route-context.js';
import { TgiCompatGenerateRequest } from './tgi-schemas.js';
import { tgiValidationError } from './tgi-validation-error.js';

/**
 * `POST /invocations`: SageMaker's entry point, as TGI serves it (`SagemakerRequest`). The body's
 * form picks the answer, tried in TGI's order: `inputs` is `POST /` (a one-element list, or TGI's
 * stream), `messages` a chat completion, `prompt` a completion (OpenAI's shapes, streamed with
 * `stream`, their fields named as OpenAI names them). Every error, a chat body's included, is in
 * TGI's shape, as TGI answers this route.
 */
export function invocationsRoute(context: TgiRouteContext): Handler {
  return async function invocations(c) {
    const raw = await readTgiJson(c);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw tgiValidationError(
        '',
        'the request body must be a JSON object with `inputs`, `messages` or `prompt`',
      );
    }
    if ('inputs' in raw)
      return answerCompatGenerate(context, c, validateTgiBody(TgiCompatGenerateRequest, raw));
    if ('messages' in raw) {
      return answerChatCompletion(context.openAi, c, parseOpenAiRequest(ChatCompletionCreateRequest, raw));
    }
    if ('prompt' in raw) {
      return answerCompletion(context.openAi, c, parseOpenAiRequest(CompletionCreateRequest, raw));
    }
    throw tgiValidationError(
      'inputs',
      'is required (or `messages` for a chat completion, `prompt` for a completion)',
    );
  };
}
