import { createEmbeddings, EmbeddingCreateRequest } from '@llama-stack-ts/openai-compat';
import type { Handler } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import type { OpenAiRouteContext } from '../openai-answers/openai-route-context.js';
import { parseOpenAiBody } from './parse-openai-body.js';

/** `POST /v1/embeddings` through the stack's `inference.embeddings`, as floats or base64. */
export function embeddingsRoute(context: OpenAiRouteContext): Handler {
  return async function embeddings(c) {
    const body = await parseOpenAiBody(c, EmbeddingCreateRequest);
    const model = await resolveModel(context.inference.stack.models, body.model, 'embedding');
    return c.json(await createEmbeddings(body, model, context.inference.inference(), c.req.raw.signal));
  };
}
