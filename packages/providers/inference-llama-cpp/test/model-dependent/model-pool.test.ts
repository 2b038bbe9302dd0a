import {
  ChatCompletionRequest,
  DisposedError,
  InvalidRequestError,
  NotFoundError,
} from '@llama-stack-ts/core';
import { expect, it, vi } from 'vitest';
import { ModelFileNotFoundError } from '../../src/errors/index.js';
import { describeWithModels, startProvider, testModel, testModels, testModelsDir } from '../test-models.js';

const hello = (model: string) =>
  ChatCompletionRequest.parse({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 });

describeWithModels(
  'model pool (loading, idle unload, per-model settings)',
  [testModels.stories, testModels.tinyRandom],
  () => {
    it('serves several models, each with its own settings, loaded at start by default', async () => {
      await using provider = await startProvider({ gpu: 'cpu', context_size: 512, threads: 1 }, [
        testModel('stories', testModels.stories),
        testModel('random', testModels.tinyRandom, {
          metadata: { context_size: 1024, parallel_sequences: 1, threads: 2, flash_attention: 'on' },
        }),
      ]);
      const pool = provider.inference.modelPool;
      expect(pool.stats('stories').loaded).toBe(true);
      expect(pool.stats('random').loaded).toBe(true);
      const loads = provider.logger.lines.filter((line) => line.message.startsWith('loaded model'));
      expect(loads.map((line) => line.details)).toEqual([
        expect.objectContaining({
          threads: 1,
          context_size: 512,
          chat_wrapper: 'Llama2Chat',
          parallel_sequences: 4,
          // auto: off on the CPU.
          flash_attention: false,
        }),
        expect.objectContaining({
          threads: 2,
          context_size: 1024,
          chat_wrapper: 'General',
          parallel_sequences: 1,
          flash_attention: true,
        }),
      ]);
      await expect(provider.inference.modelInfo?.({ model: 'random' })).resolves.toEqual({
        context_length: 1024,
        parallel_sequences: 1,
      });
      const [a, b] = await Promise.all([
        provider.inference.chatCompletion(hello('stories')),
        provider.inference.chatCompletion(hello('random')),
      ]);
      expect(a.usage?.completion_tokens).toBe(2);
      expect(b.usage?.completion_tokens).toBe(2);
    });

    it('loads on first use with preload false, and unloads after idle_unload_seconds', async () => {
      await using provider = await startProvider({ gpu: 'cpu', preload: false, idle_unload_seconds: 0.3 }, [
        testModel('stories', testModels.stories),
      ]);
      const pool = provider.inference.modelPool;
      expect(pool.stats('stories').loaded).toBe(false);
      await provider.inference.chatCompletion(hello('stories'));
      expect(pool.stats('stories').loaded).toBe(true);
      await vi.waitFor(() => expect(pool.stats('stories').loaded).toBe(false), { timeout: 30_000 });
      await vi.waitFor(() =>
        expect(
          provider.logger.lines.some((line) => line.message === "unloaded model 'stories' (idle for 0.3s)"),
        ).toBe(true),
      );
      // Back in memory on the next request.
      await expect(provider.inference.chatCompletion(hello('stories'))).resolves.toMatchObject({
        usage: { completion_tokens: 2 },
      });
    });

    it("picks a backend with gpu 'auto' (the CPU where there is no GPU)", async () => {
      await using provider = await startProvider({ gpu: 'auto' }, [testModel('stories', testModels.stories)]);
      expect(
        provider.logger.lines.some((line) => /^llama\.cpp backend: \w+ \(gpu: auto\)$/.test(line.message)),
      ).toBe(true);
      await expect(provider.inference.chatCompletion(hello('stories'))).resolves.toMatchObject({
        usage: { completion_tokens: 2 },
      });
    });

    it('resolves a relative path against model_dir, and names a missing file', async () => {
      await using provider = await startProvider({ gpu: 'cpu', model_dir: testModelsDir }, [
        testModel('stories', 'stories260K.gguf'),
      ]);
      await expect(provider.inference.chatCompletion(hello('stories'))).resolves.toBeDefined();
      const missing = startProvider({ gpu: 'cpu', model_dir: testModelsDir }, [
        testModel('ghost', 'no-such-model.gguf'),
      ]);
      await expect(missing).rejects.toThrow(ModelFileNotFoundError);
      await expect(missing).rejects.toThrow(
        `Model 'ghost': no GGUF file at ${testModelsDir}/no-such-model.gguf`,
      );
    });

    it('answers 404 for an unknown model, 400 for the wrong kind, 503 once disposed', async () => {
      const provider = await startProvider({ gpu: 'cpu' }, [testModel('stories', testModels.stories)]);
      await expect(provider.inference.chatCompletion(hello('nope'))).rejects.toThrow(NotFoundError);
      await expect(provider.inference.chatCompletion(hello('nope'))).rejects.toThrow(
        /Unknown model 'nope'.*serves 'stories'/,
      );
      await expect(provider.inference.embeddings({ model: 'stories', contents: ['x'] })).rejects.toThrow(
        InvalidRequestError,
      );
      await provider[Symbol.asyncDispose]();
      await provider[Symbol.asyncDispose](); // idempotent
      await expect(provider.inference.chatCompletion(hello('stories'))).rejects.toThrow(DisposedError);
    });

    it('registers a model after start', async () => {
      await using provider = await startProvider({ gpu: 'cpu' }, []);
      await provider.registerModel?.(testModel('late', testModels.stories));
      await expect(provider.inference.chatCompletion(hello('late'))).resolves.toMatchObject({
        usage: { completion_tokens: 2 },
      });
    });
  },
);
