import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPrefix, type TestPrefix } from '@llama-stack-ts/jobs/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// The SyntheticDataGeneration API end to end: `llama-stack-ts run local` with stories260K as the
// chat model, so candidates come from stories260K and `judge` (stories260K under a grammar) scores
// them. Runs above 12 candidates become jobs, in Redis under a key prefix of this suite's own.

interface ScoredGeneration {
  message: { role: string; content: unknown };
  score: number;
}

interface GenerateResponse {
  synthetic_data: { prompt: { role: string; content: unknown }; k_scored_generations: ScoredGeneration[] }[];
  statistics?: Record<string, number> | null;
  dataset_id?: string | null;
  job?: { job_id: string; status: string; candidates_total: number } | null;
}

interface JobBody {
  job_id: string;
  status: string;
  candidates_scored: number;
  candidates_total: number;
  result?: GenerateResponse | null;
}

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

const prompts = ['Tell me a story about a cat.', 'Tell me a story about a dog.'].map((content) => ({
  role: 'user',
  content,
}));

describeWithModels(
  'llama-stack-ts run local: synthetic data generation (inline::reference)',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let keys: TestPrefix;
    let distribution: RunningDistribution;
    const generate = (body: unknown) =>
      postJson(`${distribution.url}/synthetic_data_generation/generate`, body);
    const ok = async (response: Response): Promise<GenerateResponse> => {
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as GenerateResponse;
    };
    const jobStatus = async (jobId: string): Promise<JobBody> =>
      (await (
        await fetch(`${distribution.url}/synthetic_data_generation/job/status?job_id=${jobId}`)
      ).json()) as JobBody;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-sdg-'));
      keys = createTestPrefix();
      distribution = await startLocalDistribution({
        home,
        env: { LLAMA_STACK_TS_JOBS_PREFIX: keys.prefix, LLAMA_STACK_TS_SDG_MAX_CANDIDATES_IN_REQUEST: '12' },
      });
    });

    afterAll(async () => {
      await killAllChildren();
      await keys?.[Symbol.asyncDispose]();
      await rm(home, { recursive: true, force: true });
    });

    it('works with only prompts and a filtering function: the chat model generates 4 each, judge scores', async () => {
      const body = await ok(await generate({ prompts, filtering_function: 'none' }));
      expect(body.synthetic_data.map((entry) => entry.prompt.content)).toEqual(
        prompts.map((prompt) => prompt.content),
      );
      for (const entry of body.synthetic_data) {
        expect(entry.k_scored_generations).toHaveLength(4);
        for (const generation of entry.k_scored_generations) {
          expect(generation.message.role).toBe('assistant');
          expect(generation.score).toBeGreaterThanOrEqual(1);
          expect(generation.score).toBeLessThanOrEqual(5);
        }
      }
      expect(body.statistics).toMatchObject({ prompts: 2, candidates: 8, kept: 8, kept_ratio: 1 });
      expect(body.statistics?.tokens_generated).toBeGreaterThan(0);
      expect(body.statistics?.wall_time_ms).toBeGreaterThan(0);
      expect(body.statistics?.score_min).toBeGreaterThanOrEqual(1);
      expect(body.statistics?.score_max).toBeLessThanOrEqual(5);
    });

    it('keeps top_k per prompt and is repeatable with a seed', async () => {
      const request = {
        prompts,
        filtering_function: 'top_k',
        options: { k: 3, top_k: 2, seed: 11, max_tokens: 16 },
      };
      const body = await ok(await generate(request));
      for (const entry of body.synthetic_data) {
        expect(entry.k_scored_generations).toHaveLength(2);
        const [best, second] = entry.k_scored_generations;
        expect(best?.score).toBeGreaterThanOrEqual(second?.score ?? Number.POSITIVE_INFINITY);
      }
      expect(body.statistics).toMatchObject({ candidates: 6, kept: 4, seed: 11 });
      const random = { prompts, filtering_function: 'random', options: { k: 3, seed: 11, max_tokens: 16 } };
      const [first, again] = [await ok(await generate(random)), await ok(await generate(random))];
      expect(first.synthetic_data.map((entry) => entry.k_scored_generations.length)).toEqual([1, 1]);
      // The same candidates are kept; a judge's expected score may move in its last float digits, since
      // llama.cpp's sums depend on which sequences share a batch and what its KV cache reuses (rounding
      // both to 4 places once split 1.98665 +- 1e-7 into 1.9867 and 1.9866).
      const kept = (data: typeof first.synthetic_data) => data.flatMap((entry) => entry.k_scored_generations);
      const [before, after] = [kept(first.synthetic_data), kept(again.synthetic_data)];
      expect(after.map(({ message }) => message)).toEqual(before.map(({ message }) => message));
      for (const [index, { score }] of after.entries())
        expect(score).toBeCloseTo(before[index]?.score ?? Number.NaN, 3);
    });

    it('saves the kept data as a dataset that the Datasets API reads back', async () => {
      const body = await ok(
        await generate({
          prompts,
          filtering_function: 'top_k_top_p',
          options: { k: 2, top_k: 1, top_p: 1, save_as_dataset: 'stories-sft', max_tokens: 24 },
        }),
      );
      expect(body.dataset_id).toBe('stories-sft');
      const dataset = (await (
        await fetch(`${distribution.url}/datasets/get?dataset_id=stories-sft`)
      ).json()) as {
        columns: Record<string, string>;
        metadata: Record<string, unknown>;
      };
      expect(dataset.columns).toEqual({ dialog: 'dialog', score: 'number' });
      expect(dataset.metadata).toMatchObject({
        source: 'synthetic_data_generation',
        reward_model: 'judge',
        k: 2,
      });
      const page = (await (
        await fetch(`${distribution.url}/datasets/iterrows?dataset_id=stories-sft&start_index=0&limit=10`)
      ).json()) as {
        data: { dialog: { role: string; content: unknown }[]; score: number }[];
        next_start_index: number | null;
      };
      expect(page.next_start_index).toBeNull();
      expect(page.data).toEqual(
        body.synthetic_data.flatMap((entry) =>
          entry.k_scored_generations.map((generation) => ({
            dialog: [
              { ...entry.prompt, tool_calls: [], tool_responses: [] },
              { ...generation.message, tool_calls: [], tool_responses: [] },
            ],
            score: generation.score,
          })),
        ),
      );
      expect(page.data).toHaveLength(2);
    });

    it('queues a run above the configured size as a job, with progress and the result', async () => {
      const queued = await ok(
        await generate({
          prompts: [...prompts, ...prompts],
          filtering_function: 'top_p',
          options: { k: 4, top_p: 0.5, max_tokens: 16, seed: 3 },
        }),
      );
      expect(queued.synthetic_data).toEqual([]);
      expect(queued.job).toMatchObject({ candidates_total: 16 });
      const jobId = queued.job?.job_id ?? '';
      await expect
        .poll(async () => (await jobStatus(jobId)).status, { timeout: 120_000, interval: 250 })
        .toBe('completed');
      const done = await jobStatus(jobId);
      expect(done).toMatchObject({ candidates_scored: 16, candidates_total: 16 });
      expect(done.result?.synthetic_data).toHaveLength(4);
      expect(done.result?.statistics).toMatchObject({ prompts: 4, candidates: 16, seed: 3 });
      const missing = await fetch(`${distribution.url}/synthetic_data_generation/job/status?job_id=nope`);
      expect(missing.status).toBe(404);
    });

    it('cancels a queued run', async () => {
      const many = Array.from({ length: 32 }, (_, index) => ({
        role: 'user',
        content: `Story number ${index}.`,
      }));
      const queued = await ok(await generate({ prompts: many, options: { k: 4, max_tokens: 64 } }));
      const jobId = queued.job?.job_id ?? '';
      const cancel = await fetch(`${distribution.url}/synthetic_data_generation/job/cancel?job_id=${jobId}`, {
        method: 'POST',
      });
      expect(cancel.status).toBe(200);
      await expect
        .poll(async () => (await jobStatus(jobId)).status, { timeout: 60_000, interval: 250 })
        .toBe('cancelled');
    });

    it.each([
      [{ prompts: [] }, 'prompts', 'at least one prompt'],
      [{ prompts, options: { k: 0 } }, 'options.k', 'at least 1'],
      [{ prompts, options: { top_p: 0 } }, 'options.top_p', '(0, 1]'],
      [{ prompts, options: { top_p: 1.5 } }, 'options.top_p', '(0, 1]'],
      [{ prompts, filtering_function: 'best_of' }, 'filtering_function', 'top_k_top_p'],
      [{ prompts, options: { save_as_dataset: 'has space' } }, 'options.save_as_dataset', 'may only hold'],
    ])('answers %j with a 400 naming the field', async (body, field, reason) => {
      const response = await generate(body);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as ErrorBody;
      expect(error.field).toBe(field);
      expect(error.message).toContain(reason);
    });

    it('answers an unknown generation model 404 and a non-reward scorer 400 before any work', async () => {
      const unknown = await generate({ prompts, options: { model: 'gpt-9' } });
      expect(unknown.status).toBe(404);
      const scorer = await generate({
        prompts,
        reward_scoring: { model: 'llama3.2-1b-instruct' },
        options: { k: 1 },
      });
      expect(scorer.status).toBe(400);
      expect(((await scorer.json()) as ErrorBody).error.message).toContain('model_type: reward');
    });
  },
);
