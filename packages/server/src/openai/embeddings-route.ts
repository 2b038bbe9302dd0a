import { EmbeddingsRequest, parseRequest } from '@llama-stack-ts/core';
import type { Handler } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import { withOpenAiParams } from './core-field-to-param.js';
import { invalidParam } from './invalid-param.js';
import { EmbeddingCreateRequest } from './openai-embedding-schemas.js';
import type { EmbeddingList } from './openai-response-schemas.js';
import type { OpenAiRouteContext } from './openai-route-context.js';
import { parseOpenAiBody } from './parse-openai-body.js';

/** A vector as OpenAI's `base64` encoding: little-endian float32, base64. */
function toBase64(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/**
 * `POST /v1/embeddings` through the stack's `inference.embeddings`. The `openai` client asks for
 * `base64` by default and decodes it, so both encodings are served.
 */
export function embeddingsRoute(context: OpenAiRouteContext): Handler {
  return async function embeddings(c) {
    const body = await parseOpenAiBody(c, EmbeddingCreateRequest);
    const model = await resolveModel(context.inference.stack.models, body.model, 'embedding');
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    const request = withOpenAiParams(() => parseRequest(EmbeddingsRequest, { model, contents: inputs }));
    const response = await context.inference.inference().embeddings(request, { signal: c.req.raw.signal });
    const dimensions = response.embeddings[0]?.length ?? 0;
    if (body.dimensions !== null && body.dimensions !== undefined && body.dimensions !== dimensions) {
      throw invalidParam(
        'dimensions',
        `model '${model}' makes ${dimensions}-dimensional embeddings and cannot shorten them; leave 'dimensions' out`,
      );
    }
    const base64 = body.encoding_format === 'base64';
    const promptTokens = response.usage?.prompt_tokens ?? 0;
    const list: EmbeddingList = {
      object: 'list',
      data: response.embeddings.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? toBase64(vector) : vector,
      })),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
    return c.json(list);
  };
}
