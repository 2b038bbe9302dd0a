import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPrefix, type TestPrefix } from '@llama-stack-ts/jobs/test';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  runCli,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import {
  apiErrorOf,
  chatLine,
  jsonl,
  model,
  openAiClient,
  outputLines,
  parseJsonl,
  pollBatch,
  uploadRequests,
} from '../support/openai-batches.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Batch inference end to end: `llama-stack-ts run local` (inline::jobs on real Redis, inline::localfs
// files, stories260K through llama.cpp) over a real socket: the seed's submit_job/job_status with
// raw fetch, OpenAI's files and batches with the official `openai` client, unchanged. Each block
// starts its own process with a jobs key prefix of its own (deleted afterwards), small parts so a
// batch spans several, and the last block SIGKILLs the process mid-batch and starts it again.

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

interface SeedJob {
  job_id: string;
  status: string;
  success_file_path?: { type: string; value: string };
  error_file_path?: { type: string; value: string };
  metadata: { lines: { total: number; done: number; succeeded: number; failed: number } };
}

const prompt = (text: string) => JSON.stringify([{ role: 'user', content: text }]);

describeWithModels(
  'llama-stack-ts run local: batch inference (inline::jobs) on real Redis',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    describe("the seed's batch jobs and OpenAI's batches", () => {
      let home: string;
      let keys: TestPrefix;
      let distribution: RunningDistribution;
      let client: OpenAI;
      const maxInputBytes = 64 * 1024;

      const submit = (body: Record<string, unknown>) =>
        postJson(`${distribution.url}/batch_inference/submit_job`, { model, ...body });
      const jobStatus = async (jobId: string): Promise<SeedJob> => {
        const response = await fetch(`${distribution.url}/batch_inference/job_status?job_id=${jobId}`);
        expect(response.status, await response.clone().text()).toBe(200);
        return (await response.json()) as SeedJob;
      };
      const untilJobEnds = async (jobId: string): Promise<SeedJob> => {
        let job: SeedJob | undefined;
        await expect
          .poll(
            async () => {
              job = await jobStatus(jobId);
              return job.status;
            },
            { timeout: 60_000, interval: 100 },
          )
          .toMatch(/^(completed|failed)$/);
        return job as SeedJob;
      };

      beforeAll(async () => {
        home = await mkdtemp(join(tmpdir(), 'lsts-e2e-batch-'));
        keys = createTestPrefix();
        await mkdir(join(home, 'local'), { recursive: true });
        distribution = await startLocalDistribution({
          home,
          env: {
            LLAMA_STACK_TS_JOBS_PREFIX: keys.prefix,
            LLAMA_STACK_TS_BATCH_LINES_PER_PART: '3',
            LLAMA_STACK_TS_BATCH_MAX_INPUT_BYTES: String(maxInputBytes),
          },
        });
        client = openAiClient(distribution);
      });

      afterAll(async () => {
        await killAllChildren();
        await keys?.[Symbol.asyncDispose]();
        await rm(home, { recursive: true, force: true });
      });

      it('answers every prompt of a seed job in prompt order; a malformed line is in the error file, the job completes', async () => {
        const lines = [
          prompt('Once upon a time'),
          prompt('The cat'),
          '{"role": "user", "content": "not a list"}',
          prompt('A little girl'),
          prompt('The sun'),
          prompt('One day'),
        ];
        const response = await submit({
          prompt_file_path: { type: 'raw_bytes', value: jsonl(lines) },
          options: { max_tokens: 8, temperature: 0 },
        });
        expect(response.status, await response.clone().text()).toBe(200);
        const submitted = (await response.json()) as SeedJob;
        expect(submitted.status).toMatch(/^(validating|running)$/);

        const job = await untilJobEnds(submitted.job_id);
        expect(job.status).toBe('completed');
        expect(job.metadata.lines).toEqual({ total: 6, done: 6, succeeded: 5, failed: 1 });

        const output = parseJsonl<{ line: number; generations: { content: string; stop_reason: string }[] }>(
          await readFile(job.success_file_path?.value as string, 'utf8'),
        );
        expect(output.map((record) => record.line)).toEqual([1, 2, 4, 5, 6]);
        for (const record of output) {
          expect(record.generations).toHaveLength(1);
          expect(record.generations[0]?.content.length).toBeGreaterThan(0);
        }
        const errors = parseJsonl<{ line: number; error: { field: string }; input: string }>(
          await readFile(job.error_file_path?.value as string, 'utf8'),
        );
        expect(errors).toEqual([
          { line: 3, error: expect.objectContaining({ field: 'line 3' }), input: lines[2] },
        ]);
      });

      it('reads the prompt file from a path under the data directory', async () => {
        const path = join(home, 'local', 'prompts.jsonl');
        await writeFile(path, jsonl([prompt('Tom had a ball'), prompt('The dog ran')]));
        const response = await submit({
          prompt_file_path: { type: 'filepath', value: path },
          options: { max_tokens: 4 },
          num_generations: 2,
        });
        expect(response.status, await response.clone().text()).toBe(200);
        const job = await untilJobEnds(((await response.json()) as SeedJob).job_id);
        expect(job.status).toBe('completed');
        const output = parseJsonl<{ generations: unknown[] }>(
          await readFile(job.success_file_path?.value as string, 'utf8'),
        );
        expect(output.map((record) => record.generations.length)).toEqual([2, 2]);
        expect(job.error_file_path).toBeUndefined();
      });

      it('`llama-stack-ts batch submit` waits for the job with a progress bar and prints it; `batch status` finds it', async () => {
        const path = join(home, 'local', 'cli-prompts.jsonl');
        await writeFile(
          path,
          jsonl([prompt('Lily saw'), prompt('The bird'), prompt('Ben wanted'), prompt('Mom said')]),
        );
        const submitted = await runCli(
          ['batch', 'submit', path, '--model', model, '--max-tokens', '4', '--url', distribution.url],
          { home },
        );
        expect(submitted.code, submitted.stderr).toBe(0);
        const job = JSON.parse(submitted.stdout) as SeedJob;
        expect(job.status).toBe('completed');
        expect(job.metadata.lines).toEqual({ total: 4, done: 4, succeeded: 4, failed: 0 });
        // stderr is not a terminal here: the bar is written as lines, the last one complete.
        expect(submitted.stderr.trim().split('\n').at(-1)).toBe(
          `Batch ${job.job_id} [${'#'.repeat(24)}] 100% 4/4 lines`,
        );
        expect(parseJsonl(await readFile(job.success_file_path?.value as string, 'utf8'))).toHaveLength(4);

        const status = await runCli(['batch', 'status', job.job_id, '--url', distribution.url], { home });
        expect(status.code, status.stderr).toBe(0);
        expect((JSON.parse(status.stdout) as SeedJob).status).toBe('completed');

        const unknown = await runCli(['batch', 'status', 'no-such-job', '--url', distribution.url], { home });
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toContain('no-such-job');
        const badModel = await runCli(
          ['batch', 'submit', path, '--model', 'nope', '--url', distribution.url],
          {
            home,
          },
        );
        expect(badModel.code).toBe(1);
        expect(badModel.stderr).toContain('nope');
      });

      it('answers a seed job 404 for an unknown model, 400 for a missing file, 403 outside the roots, 413 too large', async () => {
        const inside = join(home, 'local', 'fine.jsonl');
        await writeFile(inside, jsonl([prompt('x')]));
        const unknown = await postJson(`${distribution.url}/batch_inference/submit_job`, {
          model: 'no-such-model',
          prompt_file_path: { type: 'filepath', value: inside },
        });
        expect(unknown.status).toBe(404);
        expect(((await unknown.json()) as ErrorBody).error.message).toContain("'no-such-model'");

        const missing = await submit({
          prompt_file_path: { type: 'filepath', value: join(home, 'local', 'nope.jsonl') },
        });
        expect(missing.status).toBe(400);
        expect(((await missing.json()) as ErrorBody).error.field).toBe('prompt_file_path.value');

        await writeFile(join(home, 'outside.jsonl'), jsonl([prompt('x')]));
        const outside = await submit({
          prompt_file_path: { type: 'uri', value: `file://${join(home, 'outside.jsonl')}` },
        });
        expect(outside.status).toBe(403);
        expect(((await outside.json()) as ErrorBody).error.message).toContain('url_fetch.file_roots');

        const large = join(home, 'local', 'large.jsonl');
        await writeFile(
          large,
          jsonl(Array.from({ length: 2_000 }, (_, index) => prompt(`story number ${index}`))),
        );
        const tooLarge = await submit({ prompt_file_path: { type: 'filepath', value: large } });
        expect(tooLarge.status).toBe(413);
        expect(((await tooLarge.json()) as ErrorBody).error.message).toContain('max_input_bytes');

        const noFile = await postJson(`${distribution.url}/batch_inference/submit_job`, { model });
        expect(noFile.status).toBe(400);
        expect(((await noFile.json()) as ErrorBody).error.field).toBe('prompt_file_path');
        expect((await fetch(`${distribution.url}/batch_inference/job_status?job_id=nope`)).status).toBe(404);
      });

      it("runs an OpenAI batch through the openai client's files and batches: each custom_id once, a bad line its own error", async () => {
        const good = Array.from({ length: 7 }, (_, index) => chatLine(`q-${index}`, `Story ${index}:`));
        const badUrl = JSON.stringify({
          custom_id: 'wrong-url',
          method: 'POST',
          url: '/v1/completions',
          body: { model, prompt: 'x' },
        });
        const file = await uploadRequests(client, [...good.slice(0, 4), badUrl, ...good.slice(4)]);
        const created = await client.batches.create({
          input_file_id: file.id,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
          metadata: { suite: 'e2e' },
        });
        expect(created).toMatchObject({
          id: expect.stringMatching(/^batch_/),
          object: 'batch',
          status: 'validating',
          input_file_id: file.id,
          metadata: { suite: 'e2e' },
          request_counts: { total: 8, completed: 0, failed: 0 },
        });
        expect(created.errors?.data?.[0]).toMatchObject({ code: 'invalid_url', line: 5, param: 'url' });

        const batch = await pollBatch(client, created.id, (current) => current.status === 'completed');
        expect(batch.request_counts).toEqual({ total: 8, completed: 7, failed: 1 });
        expect(batch.completed_at).toEqual(expect.any(Number));

        const output = await outputLines(client, batch.output_file_id);
        expect(output.map((line) => line.custom_id)).toEqual(good.map((_, index) => `q-${index}`));
        for (const line of output) {
          expect(line.response?.status_code).toBe(200);
          expect(line.response?.body.choices?.[0]?.message.content.length).toBeGreaterThan(0);
        }
        const errors = await outputLines(client, batch.error_file_id);
        expect(errors).toEqual([
          expect.objectContaining({
            custom_id: 'wrong-url',
            response: null,
            error: expect.objectContaining({ code: 'invalid_url' }),
          }),
        ]);

        const listed = await client.batches.list({ limit: 10 });
        expect(listed.data.map((item) => item.id)).toContain(created.id);
      });

      it("answers an OpenAI batch's bad input as OpenAI does: 404 unknown file, 400 naming the endpoint", async () => {
        const unknown = await apiErrorOf(
          client.batches.create({
            input_file_id: 'file-nope',
            endpoint: '/v1/chat/completions',
            completion_window: '24h',
          }),
        );
        expect(unknown.status).toBe(404);
        const file = await uploadRequests(client, [chatLine('a', 'x')]);
        const endpoint = await apiErrorOf(
          client.batches.create({
            input_file_id: file.id,
            endpoint: '/v1/responses' as '/v1/chat/completions',
            completion_window: '24h',
          }),
        );
        expect(endpoint.status).toBe(400);
        expect(endpoint.param).toBe('endpoint');
        expect((await apiErrorOf(client.batches.retrieve('batch_nope'))).status).toBe(404);
      });

      it('cancels a running batch within a second and keeps the lines it finished in the output file', async () => {
        const lines = Array.from({ length: 40 }, (_, index) => chatLine(`c-${index}`, `Tale ${index}:`, 64));
        const created = await client.batches.create({
          input_file_id: (await uploadRequests(client, lines)).id,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        });
        await pollBatch(client, created.id, (batch) => (batch.request_counts?.completed ?? 0) >= 2);
        const cancelling = await client.batches.cancel(created.id);
        expect(['cancelling', 'cancelled']).toContain(cancelling.status);
        const cancelled = await pollBatch(client, created.id, (batch) => batch.status === 'cancelled');
        expect(cancelled.cancelled_at).toEqual(expect.any(Number));

        const output = await outputLines(client, cancelled.output_file_id);
        const ids = output.map((line) => line.custom_id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(cancelled.request_counts?.completed);
        expect(ids.length).toBeGreaterThanOrEqual(2);
        expect(ids.length).toBeLessThan(lines.length);
      });
    });

    describe('a server killed with SIGKILL mid-batch', () => {
      let home: string;
      let keys: TestPrefix;

      beforeAll(async () => {
        home = await mkdtemp(join(tmpdir(), 'lsts-e2e-batch-kill-'));
        keys = createTestPrefix();
      });

      afterAll(async () => {
        await killAllChildren();
        await keys?.[Symbol.asyncDispose]();
        await rm(home, { recursive: true, force: true });
      });

      it('resumes the batch when started again: it completes with each custom_id exactly once', {
        timeout: 300_000,
      }, async () => {
        const start = () =>
          startLocalDistribution({
            home,
            env: {
              LLAMA_STACK_TS_JOBS_PREFIX: keys.prefix,
              LLAMA_STACK_TS_BATCH_LINES_PER_PART: '4',
              // A part whose process died runs again this long after: short, so the test is.
              LLAMA_STACK_TS_JOBS_LOCK_DURATION_MS: '5000',
            },
          });
        let distribution = await start();
        let client = openAiClient(distribution);
        const lines = Array.from({ length: 32 }, (_, index) => chatLine(`k-${index}`, `Story ${index}:`, 48));
        const created = await client.batches.create({
          input_file_id: (await uploadRequests(client, lines)).id,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        });
        const before = await pollBatch(
          client,
          created.id,
          (batch) => (batch.request_counts?.completed ?? 0) >= 4,
        );
        expect(before.request_counts?.completed).toBeLessThan(lines.length);

        expect((await stopDistribution(distribution, 'SIGKILL')).signal).toBe('SIGKILL');
        distribution = await start();
        client = openAiClient(distribution);

        const batch = await pollBatch(
          client,
          created.id,
          (current) => current.status === 'completed',
          240_000,
        );
        expect(batch.request_counts).toEqual({ total: 32, completed: 32, failed: 0 });
        const output = await outputLines(client, batch.output_file_id);
        expect(output.map((line) => line.custom_id)).toEqual(lines.map((_, index) => `k-${index}`));
        expect(batch.error_file_id).toBeNull();
      });
    });
  },
);
