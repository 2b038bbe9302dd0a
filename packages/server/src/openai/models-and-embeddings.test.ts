import type { EmbeddingList } from '@llama-stack-ts/openai-compat';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { scriptedStack } from '../test-support/scripted-inference.js';
import { createOpenAiRoutes } from './create-openai-routes.js';

const stack = scriptedStack();
const app = createOpenAiRoutes(createInferenceAccess(stack), { logger: pino({ level: 'silent' }) });

describe('GET /v1/models', () => {
  it('lists every registered model, owned by its provider', async () => {
    const response = await app.request('/v1/models');
    const body = (await response.json()) as {
      object: string;
      data: { id: string; object: string; owned_by: string; created: number }[];
    };
    expect(body.object).toBe('list');
    expect(body.data.map((model) => [model.id, model.object, model.owned_by])).toEqual([
      ['tiny-llm', 'model', 'scripted'],
      ['busy-llm', 'model', 'scripted'],
      ['flaky-llm', 'model', 'scripted'],
      ['tiny-embed', 'model', 'scripted'],
    ]);
    expect(body.data.every((model) => Number.isInteger(model.created))).toBe(true);
  });

  it('retrieves one model, or answers 404 model_not_found', async () => {
    expect(await (await app.request('/v1/models/tiny-embed')).json()).toMatchObject({
      id: 'tiny-embed',
      object: 'model',
    });
    const missing = await app.request('/v1/models/org/missing-model');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'model_not_found', param: 'model' } });
  });
});

describe('POST /v1/embeddings', () => {
  const post = (body: unknown) =>
    app.request('/v1/embeddings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers a list of float embeddings with usage', async () => {
    const response = await post({ model: 'tiny-embed', input: ['one', 'three'] });
    expect(await response.json()).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [3, 0.5, -1] },
        { object: 'embedding', index: 1, embedding: [5, 0.5, -1] },
      ],
      model: 'tiny-embed',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
  });

  it('encodes base64 as little-endian float32, as the openai client decodes it', async () => {
    const body = (await (
      await post({ model: 'tiny-embed', input: 'abcd', encoding_format: 'base64' })
    ).json()) as EmbeddingList;
    const bytes = Buffer.from(body.data[0]?.embedding as string, 'base64');
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)]).toEqual([4, 0.5, -1]);
  });

  it('defaults to the first embedding model and rejects what it cannot do', async () => {
    expect((await post({ input: 'x' })).status).toBe(200);
    expect(stack.provider.calls.at(-1)?.request).toMatchObject({ model: 'tiny-embed' });
    const wrongDimensions = await post({ model: 'tiny-embed', input: 'x', dimensions: 2 });
    expect(wrongDimensions.status).toBe(400);
    expect(await wrongDimensions.json()).toMatchObject({ error: { param: 'dimensions' } });
    const chatModel = await post({ model: 'tiny-llm', input: 'x' });
    expect(chatModel.status).toBe(400);
    expect(await chatModel.json()).toMatchObject({ error: { param: 'model' } });
    const tokens = await post({ model: 'tiny-embed', input: [[1, 2]] });
    expect(await tokens.json()).toMatchObject({ error: { param: 'input' } });
  });
});
