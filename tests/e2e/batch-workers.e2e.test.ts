import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPrefix, type TestPrefix, TestRedisServer } from '@llama-stack-ts/jobs/test';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningCli,
  type RunningDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution, startLocalWorker } from '../support/local-distribution.js';
import {
  chatLine,
  model,
  openAiClient,
  outputLines,
  pollBatch,
  uploadRequests,
} from '../support/openai-batches.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Batch inference spread over processes: `llama-stack-ts run local --no-worker` serves the routes,
// `llama-stack-ts worker local` processes (same LLAMA_STACK_TS_HOME, same Redis key prefix) run the
// parts. Which worker ran a part is read from the `batch part started` line each one logs. The last
// block runs its own redis-server to stop it under a live server and start it again.

/** The batch ids and part indexes a process's log says it started. */
function partsStarted(process: RunningCli, batchId: string): number[] {
  const parts: number[] = [];
  for (const line of process.output().split('\n')) {
    if (!line.includes('batch part started') || !line.includes(batchId)) continue;
    const part = /"part":(\d+)/.exec(line)?.[1];
    if (part !== undefined) parts.push(Number(part));
  }
  return parts;
}

const storyLines = (prefix: string, count: number, maxTokens: number) =>
  Array.from({ length: count }, (_, index) => chatLine(`${prefix}-${index}`, `Story ${index}:`, maxTokens));

async function runBatch(client: OpenAI, lines: readonly string[]) {
  return client.batches.create({
    input_file_id: (await uploadRequests(client, lines)).id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
}

/** The custom_ids of a batch's output, sorted, after checking each line succeeded. */
async function answeredIds(client: OpenAI, fileId: string | null | undefined): Promise<string[]> {
  const output = await outputLines(client, fileId);
  for (const line of output) expect(line.response?.status_code, JSON.stringify(line)).toBe(200);
  return output.map((line) => line.custom_id as string).sort();
}

const idsOf = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}`).sort();

describeWithModels(
  'llama-stack-ts run local --no-worker and llama-stack-ts worker local on one queue',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    describe('two workers', () => {
      let home: string;
      let keys: TestPrefix;
      let server: RunningDistribution;
      let client: OpenAI;
      const workers: RunningCli[] = [];

      beforeAll(async () => {
        home = await mkdtemp(join(tmpdir(), 'lsts-e2e-batch-workers-'));
        keys = createTestPrefix();
        const environment = {
          home,
          env: {
            LLAMA_STACK_TS_JOBS_PREFIX: keys.prefix,
            LLAMA_STACK_TS_BATCH_LINES_PER_PART: '2',
            // A part whose worker was killed runs again this long after: short, so the test is.
            LLAMA_STACK_TS_JOBS_LOCK_DURATION_MS: '3000',
          },
        };
        server = await startLocalDistribution(environment, ['--no-worker']);
        workers.push(...(await Promise.all([startLocalWorker(environment), startLocalWorker(environment)])));
        client = openAiClient(server);
      }, 180_000);

      afterAll(async () => {
        await killAllChildren();
        await keys?.[Symbol.asyncDispose]();
        await rm(home, { recursive: true, force: true });
      });

      it('the server runs no part; both workers run parts of one batch; each custom_id is answered once', {
        timeout: 240_000,
      }, async () => {
        const lines = storyLines('w', 40, 48);
        const created = await runBatch(client, lines);
        const batch = await pollBatch(
          client,
          created.id,
          (current) => current.status === 'completed',
          180_000,
        );
        expect(batch.request_counts).toEqual({ total: 40, completed: 40, failed: 0 });
        expect(await answeredIds(client, batch.output_file_id)).toEqual(idsOf('w', 40));
        expect(batch.error_file_id).toBeNull();

        expect(partsStarted(server, created.id)).toEqual([]);
        const [first, second] = workers.map((worker) => partsStarted(worker, created.id));
        expect(first?.length, 'parts the first worker started').toBeGreaterThan(0);
        expect(second?.length, 'parts the second worker started').toBeGreaterThan(0);
        // 20 parts of 2 lines: each ran at least once, on one worker or the other.
        expect(new Set([...(first ?? []), ...(second ?? [])]).size).toBe(20);
      });

      it('a worker killed with SIGKILL mid-batch: the other finishes its parts, each custom_id answered once', {
        timeout: 300_000,
      }, async () => {
        // Long lines, so the parts the worker has started are still running when it is killed.
        const lines = storyLines('k', 40, 400);
        const created = await runBatch(client, lines);
        let victim: RunningCli | undefined;
        await expect
          .poll(
            () => {
              victim = workers.find((worker) => partsStarted(worker, created.id).length > 0);
              return victim !== undefined;
            },
            { timeout: 120_000, interval: 20 },
          )
          .toBe(true);
        const killed = victim as RunningCli;
        expect((await stopDistribution(killed, 'SIGKILL')).signal).toBe('SIGKILL');
        const survivor = workers.find((worker) => worker !== killed) as RunningCli;

        const batch = await pollBatch(
          client,
          created.id,
          (current) => current.status === 'completed',
          240_000,
        );
        expect(batch.request_counts).toEqual({ total: 40, completed: 40, failed: 0 });
        expect(await answeredIds(client, batch.output_file_id)).toEqual(idsOf('k', 40));
        expect(batch.error_file_id).toBeNull();
        // A part the killed worker was running ran again on the survivor once its lock expired.
        const survivorParts = partsStarted(survivor, created.id);
        expect(partsStarted(killed, created.id).some((part) => survivorParts.includes(part))).toBe(true);
      });
    });

    describe('Redis stopped under a running server, then started again', () => {
      let home: string;
      let redis: TestRedisServer;
      let server: RunningDistribution;
      let client: OpenAI;

      beforeAll(async () => {
        home = await mkdtemp(join(tmpdir(), 'lsts-e2e-batch-redis-'));
        redis = await TestRedisServer.start();
        server = await startLocalDistribution({ home, env: { REDIS_URL: redis.url } });
        client = openAiClient(server);
      }, 180_000);

      afterAll(async () => {
        await killAllChildren();
        await redis?.stop();
        await rm(home, { recursive: true, force: true });
      });

      it('job routes answer 503 naming REDIS_URL, /health reports the engine, other APIs answer; then a batch completes', {
        timeout: 240_000,
      }, async () => {
        const lines = storyLines('r', 6, 16);
        const input = await uploadRequests(client, lines);
        const createBatch = () =>
          postJson(`${server.url}/v1/batches`, {
            input_file_id: input.id,
            endpoint: '/v1/chat/completions',
            completion_window: '24h',
          });
        await redis.stop();

        // The engine notices a lost connection by itself, on its own schedule: wait for it.
        await expect
          .poll(async () => (await createBatch()).status, { timeout: 60_000, interval: 200 })
          .toBe(503);
        const jobRoutes = [
          () => createBatch(),
          () => fetch(`${server.url}/v1/batches`),
          () => fetch(`${server.url}/v1/batches/batch_missing`),
          () =>
            postJson(`${server.url}/batch_inference/submit_job`, {
              model,
              prompt_file_path: {
                type: 'raw_bytes',
                value: `${JSON.stringify([{ role: 'user', content: 'x' }])}\n`,
              },
            }),
          () => fetch(`${server.url}/batch_inference/job_status?job_id=job_missing`),
        ];
        for (const route of jobRoutes) {
          const response = await route();
          const text = await response.text();
          expect(response.status, `${response.url}: ${text}`).toBe(503);
          expect(text).toContain('REDIS_URL');
        }

        const health = await fetch(`${server.url}/health`);
        expect(health.status).toBe(503);
        const { providers } = (await health.json()) as {
          providers: { provider_id: string; status: string; message?: string }[];
        };
        const jobs = providers.find((provider) => provider.provider_id === 'jobs');
        expect(jobs).toMatchObject({ status: 'error' });
        expect(jobs?.message).toContain('REDIS_URL');
        expect(
          providers.filter((provider) => provider.provider_id !== 'jobs').map((p) => p.status),
        ).not.toContain('error');

        const chat = await postJson(`${server.url}/v1/chat/completions`, {
          model,
          messages: [{ role: 'user', content: 'Once upon a time' }],
          max_tokens: 4,
        });
        expect(chat.status, await chat.clone().text()).toBe(200);
        expect((await client.files.list()).data.map((file) => file.id)).toContain(input.id);

        await redis.start();
        let created: { id: string } | undefined;
        await expect
          .poll(
            async () => {
              const response = await createBatch();
              if (response.status === 200) created = (await response.json()) as { id: string };
              return response.status;
            },
            { timeout: 60_000, interval: 200 },
          )
          .toBe(200);
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
        const batch = await pollBatch(
          client,
          created?.id as string,
          (current) => current.status === 'completed',
          120_000,
        );
        expect(batch.request_counts).toEqual({ total: 6, completed: 6, failed: 0 });
        expect(await answeredIds(client, batch.output_file_id)).toEqual(idsOf('r', 6));
      });
    });
  },
);
