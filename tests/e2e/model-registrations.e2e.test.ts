import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStack, loadManifest, type ResolvedStack, resolveDataDir } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution, startDistribution } from '../support/cli-process.js';
import { postJson, readSseData } from '../support/http.js';
import { manifestsDir } from '../support/repo-paths.js';
import { describeWithModels, testModels, testModelsDir } from '../support/test-models.js';

// A model registered at run time by another process of the distribution (as post-training's worker
// does through context.modelRegistrations) is served by `llama-stack-ts run` over HTTP as soon as a
// request names it, without a restart: the processes share the data directory's registrations.

const llamaCppManifest = join(manifestsDir, 'llama-cpp.yaml');

describeWithModels(
  'a model registered by another process',
  [testModels.stories, testModels.tinyRandom],
  () => {
    let home: string;
    let distribution: RunningDistribution;
    let worker: ResolvedStack;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-registrations-'));
      const env = { ...process.env, LLAMA_STACK_TS_TEST_MODELS: testModelsDir, LLAMA_STACK_TS_HOME: home };
      distribution = await startDistribution(llamaCppManifest, {
        home,
        env: { LLAMA_STACK_TS_TEST_MODELS: testModelsDir },
      });
      const manifest = await loadManifest(llamaCppManifest, { env });
      worker = await createStack(
        { ...manifest, data_dir: resolveDataDir(manifest, { env }) },
        { logger: { info() {}, warn() {}, error() {} } },
      );
    });

    afterAll(async () => {
      await worker?.dispose();
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    it('is a 404 before it is registered and served (streamed too) and listed once it is', async () => {
      const request = { model: 'job-e2e', content: 'Once upon a time', max_tokens: 4, stream: true };
      const missing = await postJson(`${distribution.url}/inference/completion`, request);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
        "Unknown model 'job-e2e'",
      );

      await worker.modelRegistrations.register({
        identifier: 'job-e2e',
        provider_id: 'llama-cpp',
        provider_resource_id: testModels.stories,
        model_type: 'llm',
        metadata: { base_model: 'stories', job_uuid: 'job-e2e' },
      });

      const streamed = await postJson(`${distribution.url}/inference/completion`, request, {
        headers: { accept: 'text/event-stream' },
      });
      expect(streamed.status).toBe(200);
      const chunks = await readSseData<{ delta: string; stop_reason?: string }>(streamed);
      expect(chunks.at(-1)?.stop_reason).toBe('max_tokens');
      const listed = (await (await fetch(`${distribution.url}/v1/models`)).json()) as {
        data: { id: string }[];
      };
      expect(listed.data.map((model) => model.id)).toContain('job-e2e');
    });
  },
);
