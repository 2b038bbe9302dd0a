import { InvalidRequestError } from '@llama-stack-ts/core';
import { expect, it } from 'vitest';
import { describeWithModels, startProvider, testModel, testModels } from '../test-models.js';

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    normA += (a[i] ?? 0) ** 2;
    normB += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(normA * normB);
};

describeWithModels('embeddings (stories260K as an embedding model)', [testModels.stories], () => {
  it('embeds each content item, in order, with the model vector size', async () => {
    await using provider = await startProvider({ gpu: 'cpu' }, [
      testModel('story-embed', testModels.stories, { model_type: 'embedding' }),
    ]);
    const texts = ['The cat sat on the mat.', 'The cat sat on the mat.', 'A big red truck drove away fast.'];
    const { embeddings, usage } = await provider.inference.embeddings({
      model: 'story-embed',
      contents: texts,
    });
    expect(embeddings).toHaveLength(3);
    expect(embeddings.every((vector) => vector.length === 64)).toBe(true);
    expect(embeddings[1]).toEqual(embeddings[0]);
    expect(cosine(embeddings[0] as number[], embeddings[2] as number[])).toBeLessThan(0.999);
    expect(usage?.prompt_tokens).toBeGreaterThan(10);
    await expect(
      provider.inference.chatCompletion({
        model: 'story-embed',
        messages: [{ role: 'user', content: 'x', tool_calls: [], tool_responses: [] }],
        sampling_params: { strategy: 'greedy', temperature: 0, top_p: 0.95, top_k: 0 },
        available_tools: [],
        tool_choice: 'auto',
        max_tokens: 1,
        stream: false,
        logprobs: false,
      }),
    ).rejects.toThrow(InvalidRequestError);
  });
});
