import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatCompletionRequest } from '@llama-stack-ts/core';
import { createStack } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { llamaCppProviderSpec } from '../../src/index.js';
import { collect, describeWithModels, testModels, testModelsDir } from '../test-models.js';

describeWithModels('inside a stack (manifest, router, registry)', [testModels.stories], () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'llama-cpp-stack-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves a model the manifest registers, by its model_id, streamed and not', async () => {
    const quiet = { info() {}, warn() {}, error() {} };
    await using stack = await createStack(
      {
        name: 'llama-cpp-test',
        data_dir: dataDir,
        providers: {
          inference: [
            {
              provider_id: 'llama-cpp',
              provider_type: 'inline::llama-cpp',
              config: { gpu: 'cpu', model_dir: testModelsDir, context_size: 512 },
            },
          ],
        },
        models: [
          {
            model_id: 'story-teller',
            provider_model_id: 'stories260K.gguf',
            metadata: { parallel_sequences: 2 },
          },
        ],
      },
      { providers: [llamaCppProviderSpec], logger: quiet },
    );
    const inference = stack.apis.inference;
    if (!inference) throw new Error('inference not served');
    const request = ChatCompletionRequest.parse({
      model: 'story-teller',
      messages: [{ role: 'user', content: 'A story, please.' }],
      max_tokens: 6,
    });
    const plain = await inference.chatCompletion(request);
    const streamed = await collect(inference.streamChatCompletion({ ...request, stream: true }));
    expect(streamed.map((chunk) => chunk.text_delta).join('')).toBe(plain.content);
    expect(plain.usage?.completion_tokens).toBe(6);
    expect((await stack.health()).map((entry) => entry.status)).toEqual(['ok']);
  });
});
