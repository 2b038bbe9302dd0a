import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRequestError } from '@llama-stack-ts/core';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { createStack, silentLogger } from '@llama-stack-ts/stack';
import { afterAll, expect, it } from 'vitest';
import { transformersProviderSpec } from '../../src/transformers-provider-spec.js';

const modelFolder = join(testModelsDir, 'synthetic/tiny-random-bert-embedder');
const modelFiles = [join(modelFolder, 'onnx/model_quantized.onnx')];

describeWithModels(
  'inline::transformers inside a stack (resolver, model registry, inference router)',
  modelFiles,
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'transformers-stack-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('serves embeddings by model id and lists the embedding dimension', async () => {
      await using stack = await createStack(
        {
          name: 'transformers-test',
          data_dir: dataDir,
          providers: {
            inference: [{ provider_id: 'onnx', provider_type: 'inline::transformers', config: {} }],
          },
          models: [
            {
              model_id: 'minilm',
              provider_id: 'onnx',
              provider_model_id: modelFolder,
              model_type: 'embedding',
            },
          ],
        },
        { providers: [transformersProviderSpec], logger: silentLogger },
      );
      const inference = stack.apis.inference!;
      const { embeddings } = await inference.embeddings({
        model: 'minilm',
        contents: ['The cat sat on the mat.', 'hi'],
      });
      expect(embeddings.map((vector) => vector.length)).toEqual([32, 32]);
      expect((await stack.models.getModel({ identifier: 'minilm' })).metadata.embedding_dimension).toBe(32);

      await expect(
        inference.chatCompletion({ model: 'minilm', messages: [{ role: 'user', content: 'hi' }] } as never),
      ).rejects.toBeInstanceOf(InvalidRequestError);

      const late = await stack.registerModel({
        model_id: 'minilm-late',
        provider_id: 'onnx',
        provider_model_id: modelFolder,
        model_type: 'embedding',
      });
      expect(late.metadata.embedding_dimension).toBe(32);
      expect((await stack.models.getModel({ identifier: 'minilm-late' })).metadata.embedding_dimension).toBe(
        32,
      );
    });
  },
);
