import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatCompletionRequest, StackError } from '@llama-stack-ts/core';
import { type LoopbackHub, RecordingLogger, startLoopbackHub } from '@llama-stack-ts/provider-utils/test';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { ModelFileNotFoundError } from '../../src/errors/index.js';
import { llamaCppProviderSpec } from '../../src/index.js';
import type { LlamaCppInference } from '../../src/llama-cpp-inference.js';
import { describeWithModels, startProvider, testModel, testModels } from '../test-models.js';

const repoId = 'test-org/stories-gguf';
const hello = (model: string) =>
  ChatCompletionRequest.parse({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 });

describeWithModels('hf: models downloaded in the background', [testModels.stories], () => {
  let repoFolder: string;
  let cacheDir: string;
  let hub: LoopbackHub | undefined;

  beforeAll(() => {
    repoFolder = mkdtempSync(join(tmpdir(), 'lst-llama-hub-'));
    copyFileSync(testModels.stories, join(repoFolder, 'stories260K.gguf'));
    return () => rmSync(repoFolder, { recursive: true, force: true });
  });

  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const config = (hubUrl: string) => ({
    gpu: 'cpu' as const,
    context_size: 256,
    threads: 1,
    hub_url: hubUrl,
    model_cache_dir: cacheDir,
    show_progress: false,
  });

  it('starts at once, answers 503 while downloading, then serves the model from the cache', async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'lst-llama-cache-'));
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    hub = await startLoopbackHub({ repoId, folder: repoFolder, holdDownloads: held });
    const model = testModel('stories', `hf:${repoId}/stories260K.gguf`);
    {
      await using provider = await startProvider(config(hub.url), [model]);
      const pool = provider.inference.modelPool;
      expect(pool.stats('stories').loaded).toBe(false);

      // The body is held: the download is under way, with its size known.
      let waiting: unknown;
      await vi.waitFor(
        async () => {
          waiting = await provider.inference
            .chatCompletion(hello('stories'))
            .catch((error: unknown) => error);
          expect((waiting as Error).message).toMatch(/of 1\.1 MB/);
        },
        { timeout: 30_000, interval: 20 },
      );
      expect(waiting).toBeInstanceOf(StackError);
      expect(waiting).toMatchObject({ status: 503, code: 'model_downloading', isRetryable: true });
      expect((waiting as Error).message).toMatch(
        `Model 'stories' is downloading (hf:${repoId}/stories260K.gguf, 0%, 0.0 MB of 1.1 MB); it is served once the download ends. Try again later, or set the model's provider_model_id (LLAMA_STACK_TS_MODEL in the local distribution) to a local GGUF file`,
      );

      release();
      await pool.downloaded('stories');
      await expect(provider.inference.chatCompletion(hello('stories'))).resolves.toMatchObject({
        usage: { completion_tokens: 2 },
      });
      expect(pool.get('stories').path).toBe(join(cacheDir, repoId, 'stories260K.gguf'));
      expect(provider.logger.lines.map((line) => line.message)).toContain("downloaded model 'stories'");
      expect(
        provider.logger.lines.find((line) => line.message === "downloaded model 'stories'")?.details,
      ).toMatchObject({ checked_against: 'etag' });
    }

    // A second start finds the file in the cache: no request reaches the hub, the model loads at start.
    const before = hub.requests.length;
    await using again = await startProvider(config(hub.url), [model]);
    expect(again.inference.modelPool.stats('stories').loaded).toBe(true);
    expect(hub.requests.length).toBe(before);
  });

  it('answers 503 naming the failure and the local-file fix when the download fails', async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'lst-llama-cache-'));
    hub = await startLoopbackHub({ repoId, folder: repoFolder });
    await using provider = await startProvider(config(hub.url), [
      testModel('missing', `hf:${repoId}/no-such-file.gguf`),
    ]);
    await provider.inference.modelPool.downloaded('missing');
    const error = await provider.inference
      .chatCompletion(hello('missing'))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503, code: 'model_download_failed' });
    expect((error as Error).message).toMatch(
      /^Model 'missing' is not available: the download of hf:test-org\/stories-gguf\/no-such-file\.gguf failed: Cannot download .*HTTP 404 Not Found \(no such model or file\)\..*LLAMA_STACK_TS_MODEL in the local distribution/,
    );
    expect(provider.logger.lines.some((line) => line.level === 'error')).toBe(true);
  });

  it('with allow_remote_models false, fails start-up for an hf: model not in the cache', async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'lst-llama-cache-'));
    await expect(
      startProvider({ ...config('http://127.0.0.1:9'), allow_remote_models: false }, [
        testModel('stories', `hf:${repoId}/stories260K.gguf`),
      ]),
    ).rejects.toBeInstanceOf(ModelFileNotFoundError);
  });

  it("resolves a relative path against the manifest's directory (context.manifestDir)", async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'lst-llama-cache-'));
    copyFileSync(testModels.stories, join(cacheDir, 'beside-the-manifest.gguf'));
    const instance = await llamaCppProviderSpec.create(
      llamaCppProviderSpec.configSchema.parse({ gpu: 'cpu', context_size: 256, preload: false }),
      {
        providerId: 'llama-cpp',
        dataDir: cacheDir,
        deps: {},
        models: [testModel('near', 'beside-the-manifest.gguf')],
        logger: new RecordingLogger(),
        manifestDir: cacheDir,
      },
    );
    try {
      const inference = instance.implementation as LlamaCppInference;
      expect(inference.modelPool.get('near').path).toBe(join(cacheDir, 'beside-the-manifest.gguf'));
      expect(existsSync(inference.modelPool.get('near').path)).toBe(true);
    } finally {
      await instance.dispose?.();
    }
  });
});
