import { EmbeddingsRequest, type Inference, parseRequest } from '@llama-stack-ts/core';
import { withOpenAiParams } from './core-field-to-param.js';
import { invalidParam } from './invalid-param.js';
import type { EmbeddingCreateRequest } from './openai-embedding-schemas.js';
import type { EmbeddingList } from './openai-response-schemas.js';

/** A vector as OpenAI's `base64` encoding: little-endian float32, base64. */
function toBase64(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/**
 * An OpenAI embeddings request on `model` through the stack's `inference.embeddings`. The `openai`
 * client asks for `base64` by default and decodes it, so both encodings are served; `dimensions`
 * must be the model's own (the stack does not shorten vectors).
 */
export async function createEmbeddings(
  body: EmbeddingCreateRequest,
  model: string,
  inference: Pick<Inference, 'embeddings'>,
  signal: AbortSignal,
): Promise<EmbeddingList> {
  const inputs = typeof body.input === 'string' ? [body.input] : body.input;
  const request = withOpenAiParams(() => parseRequest(EmbeddingsRequest, { model, contents: inputs }));
  const response = await inference.embeddings(request, { signal });
  const dimensions = response.embeddings[0]?.length ?? 0;
  if (body.dimensions !== null && body.dimensions !== undefined && body.dimensions !== dimensions) {
    throw invalidParam(
      'dimensions',
      `model '${model}' makes ${dimensions}-dimensional embeddings and cannot shorten them; leave 'dimensions' out`,
    );
  }
  const base64 = body.encoding_format === 'base64';
  const promptTokens = response.usage?.prompt_tokens ?? 0;
  return {
    object: 'list',
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? toBase64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
