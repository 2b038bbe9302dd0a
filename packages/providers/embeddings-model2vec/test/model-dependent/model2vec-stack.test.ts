import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRequestError } from '@llama-stack-ts/core';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { createStack, silentLogger } from '@llama-stack-ts/stack';
import { afterAll, expect, it } from 'vitest';
import { model2VecProviderSpec } from '../../src/model2vec-provider-spec.js';

const modelFolder = join(testModelsDir, 'minishlab/test-model-vocab-quantized');
const modelFiles = [join(modelFolder, 'model.safetensors')];

describeWithModels(
  'inline::model2vec inside a stack (resolver, model registry, inference router)',
  modelFiles,
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'model2vec-stack-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('serves embeddings by model id and lists the embedding dimension', async () => {
      await using stack = await createStack(
        {
          name: 'model2vec-test',
          data_dir: dataDir,
          providers: {
            inference: [{ provider_id: 'static', provider_type: 'inline::model2vec', config: {} }],
          },
          models: [
            {
              model_id: 'potion',
              provider_id: 'static',
              provider_model_id: modelFolder,
              model_type: 'embedding',
            },
          ],
        },
        { providers: [model2VecProviderSpec], logger: silentLogger },
      );
      const inference = stack.apis.inference!;
      const { embeddings } = await inference.embeddings({
        model: 'potion',
        contents: ['The cat sat on the mat.', 'hi'],
      });
      expect(embeddings.map((vector) => vector.length)).toEqual([64, 64]);
      expect((await stack.models.getModel({ identifier: 'potion' })).metadata.embedding_dimension).toBe(64);

      await expect(
        inference.chatCompletion({ model: 'potion', messages: [{ role: 'user', content: 'hi' }] } as never),
      ).rejects.toBeInstanceOf(InvalidRequestError);

      const late = await stack.registerModel({
        model_id: 'potion-late',
        provider_id: 'static',
        provider_model_id: modelFolder,
        model_type: 'embedding',
      });
      expect(late.metadata.embedding_dimension).toBe(64);
      expect((await stack.models.getModel({ identifier: 'potion-late' })).metadata.embedding_dimension).toBe(
        64,
      );
    });
  },
);
