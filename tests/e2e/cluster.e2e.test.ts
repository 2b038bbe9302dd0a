import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPrefix, type TestPrefix } from '@llama-stack-ts/jobs/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAllChildren, type RunningCli, type RunningDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import {
  startLocalDistribution,
  startOnTestModels,
  startWorkerOnTestModels,
} from '../support/local-distribution.js';
import { chatLine, openAiClient, outputLines, pollBatch, uploadRequests } from '../support/openai-batches.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// `distributions/cluster` on one machine as it runs on many: two API servers (`run cluster
// --no-worker`, as behind a load balancer) and two workers (`worker cluster`), each with a
// LLAMA_STACK_TS_HOME of its own, sharing only what the cluster shares: one Redis (a key prefix of
// this test's), one shared directory (LLAMA_STACK_TS_SHARED_DIR) and one inference upstream (a
// `run local` on the test models, as OPENAI_BASE_URL). What is written through one server is read
// through the other at once.

interface Turn {
  turn_id: string;
  user_messages: { content: unknown }[];
  response_message: { role: string; content: unknown };
}

/** The parts of a batch a process's log says it started, with the worker each line names. */
function partsStarted(process: RunningCli, batchId: string): { part: number; worker: string }[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.includes('batch part started') && line.includes(batchId))
    .map((line) => ({
      part: Number(/"part":(\d+)/.exec(line)?.[1]),
      worker: /"worker":"([^"]+)"/.exec(line)?.[1] ?? '',
    }));
}

describeWithModels(
  'llama-stack-ts run cluster (two API servers) and worker cluster (two workers) on one Redis and one shared directory',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    const homes: string[] = [];
    let shared: string;
    let keys: TestPrefix;
    let upstream: RunningDistribution;
    let serverA: RunningDistribution;
    let serverB: RunningDistribution;
    let workers: RunningCli[];

    async function call<T>(
      server: RunningDistribution,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<T> {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status !== 200)
        throw new Error(`${method} ${path} on ${server.url}: ${response.status} ${text}`);
      return JSON.parse(text) as T;
    }

    beforeAll(async () => {
      shared = await mkdtemp(join(tmpdir(), 'lsts-e2e-cluster-shared-'));
      keys = createTestPrefix();
      const upstreamHome = await mkdtemp(join(tmpdir(), 'lsts-e2e-cluster-upstream-'));
      homes.push(upstreamHome);
      upstream = await startLocalDistribution(
        { home: upstreamHome, env: { LLAMA_STACK_TS_JOBS_PREFIX: `${keys.prefix}-upstream` } },
        ['--no-worker'],
      );
      const environment = async () => {
        const home = await mkdtemp(join(tmpdir(), 'lsts-e2e-cluster-home-'));
        homes.push(home);
        return {
          home,
          env: {
            LLAMA_STACK_TS_SHARED_DIR: shared,
            LLAMA_STACK_TS_REDIS_PREFIX: keys.prefix,
            LLAMA_STACK_TS_HOST: '127.0.0.1',
            LLAMA_STACK_TS_BATCH_LINES_PER_PART: '2',
            OPENAI_BASE_URL: `${upstream.url}/v1`,
          },
        };
      };
      [serverA, serverB, ...workers] = await Promise.all([
        startOnTestModels('cluster', await environment(), ['--no-worker']),
        startOnTestModels('cluster', await environment(), ['--no-worker']),
        startWorkerOnTestModels('cluster', await environment()),
        startWorkerOnTestModels('cluster', await environment()),
      ]);
    }, 240_000);

    afterAll(async () => {
      await killAllChildren();
      await keys?.[Symbol.asyncDispose]();
      for (const dir of [shared, ...homes]) if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("an agent session created through server A continues through server B, on A's history", {
      timeout: 180_000,
    }, async () => {
      const user = (content: string) => ({ role: 'user', content });
      const { agent_uuid } = await call<{ agent_uuid: string }>(serverA, 'POST', '/agentic_system/create', {
        instructions: 'You tell stories.',
        model: 'llama3.2-1b-instruct',
        sampling_params: { strategy: 'greedy', max_tokens: 24 },
      });
      const session = async (server: RunningDistribution, name: string) =>
        (
          await call<{ session_id: string }>(server, 'POST', '/agentic_system/session/create', {
            agent_uuid,
            session_name: name,
          })
        ).session_id;
      const turn = async (server: RunningDistribution, session_id: string, content: string) =>
        (
          await call<{ turn: Turn }>(server, 'POST', '/agentic_system/turn/create', {
            agent_uuid,
            session_id,
            messages: [user(content)],
          })
        ).turn;
      const turnsOf = async (server: RunningDistribution, session_id: string) =>
        (
          await call<{ session_name: string; turns: Turn[] }>(
            server,
            'GET',
            `/agentic_system/session/get?agent_uuid=${agent_uuid}&session_id=${session_id}`,
          )
        ).turns;

      const sessionId = await session(serverA, 'across servers');
      const first = await turn(serverA, sessionId, 'Once upon a time there was a little dog named Spot.');
      expect(await turnsOf(serverB, sessionId)).toEqual([first]);

      const second = await turn(serverB, sessionId, 'What happened next?');
      expect((await turnsOf(serverA, sessionId)).map((stored) => stored.turn_id)).toEqual([
        first.turn_id,
        second.turn_id,
      ]);
      // The model read A's turn before B's question: greedy decoding of the same question in a
      // session without it answers otherwise.
      const alone = await turn(serverB, await session(serverB, 'no history'), 'What happened next?');
      expect(second.response_message.content).not.toEqual(alone.response_message.content);
    });

    it('a memory bank created and written through server A is queried through server B, and dropped through B for A', {
      timeout: 120_000,
    }, async () => {
      const bankPath = (path: string) => `${path}?bank_uuid=shared-facts`;
      const created = await postJson(
        `${serverA.url}/memory_banks/create?bank_uuid=shared-facts&bank_name=Facts`,
        [{ uuid: 'llamas', content: 'Llamas live in the Andes and eat grass.', mime_type: 'text/plain' }],
      );
      expect(created.status, await created.text()).toBe(200);
      const listed = await call<{ uuid: string }[]>(serverB, 'GET', '/memory_banks/get');
      expect(listed.map((bank) => bank.uuid)).toContain('shared-facts');

      // Written through A after B has the bank open: B's next query finds it.
      const query = (server: RunningDistribution, text: string) =>
        call<{ chunks: { document_id: string }[] }>(server, 'POST', '/memory_bank/query', {
          bank_uuid: 'shared-facts',
          query: text,
          params: { mode: 'keyword' },
        });
      expect((await query(serverB, 'llamas')).chunks.map((chunk) => chunk.document_id)).toEqual(['llamas']);
      const inserted = await postJson(`${serverA.url}${bankPath('/memory_bank/insert')}`, [
        { uuid: 'zebras', content: 'Zebracorns gallop across the savanna at dawn.', mime_type: 'text/plain' },
      ]);
      expect(inserted.status, await inserted.text()).toBe(200);
      expect((await query(serverB, 'zebracorns')).chunks.map((chunk) => chunk.document_id)).toEqual([
        'zebras',
      ]);

      const dropped = await fetch(`${serverB.url}${bankPath('/memory_banks/drop')}`, { method: 'DELETE' });
      expect(dropped.status).toBe(200);
      const gone = await postJson(`${serverA.url}/memory_bank/query`, {
        bank_uuid: 'shared-facts',
        query: 'llamas',
      });
      expect(gone.status).toBe(404);
    });

    it('a dataset and a file created through server A are read and deleted through server B', {
      timeout: 60_000,
    }, async () => {
      const rows = [{ text: 'first' }, { text: 'second' }, { text: 'third' }];
      await call(serverA, 'POST', '/datasets/create', {
        uuid: 'shared-rows',
        dataset: {
          columns: { text: 'text' },
          content_url: `data:application/json,${encodeURIComponent(JSON.stringify(rows))}`,
        },
      });
      const page = await call<{ data: unknown[]; next_start_index: number | null }>(
        serverB,
        'GET',
        '/datasets/iterrows?dataset_id=shared-rows&start_index=1&limit=1',
      );
      expect(page).toEqual({ data: [{ text: 'second' }], next_start_index: 2 });
      await call(serverB, 'DELETE', '/datasets/delete?dataset_id=shared-rows');
      expect((await fetch(`${serverA.url}/datasets/get?dataset_id=shared-rows`)).status).toBe(404);

      const clientA = openAiClient(serverA);
      const clientB = openAiClient(serverB);
      const uploaded = await uploadRequests(clientA, [chatLine('f-0', 'Hello')]);
      expect((await clientB.files.list()).data.map((file) => file.id)).toContain(uploaded.id);
      expect(await (await clientB.files.content(uploaded.id)).text()).toContain('"custom_id":"f-0"');
      await clientB.files.delete(uploaded.id);
      expect((await fetch(`${serverA.url}/v1/files/${uploaded.id}`)).status).toBe(404);
    });

    it('a batch submitted through server A runs its parts on both workers, none on the servers; B reads its output', {
      timeout: 300_000,
    }, async () => {
      const lines = Array.from({ length: 24 }, (_, index) => chatLine(`c-${index}`, `Story ${index}:`, 48));
      const clientA = openAiClient(serverA);
      const created = await clientA.batches.create({
        input_file_id: (await uploadRequests(clientA, lines)).id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      const clientB = openAiClient(serverB);
      const batch = await pollBatch(
        clientB,
        created.id,
        (current) => current.status === 'completed',
        240_000,
      );
      expect(batch.request_counts).toEqual({ total: 24, completed: 24, failed: 0 });
      const output = await outputLines(clientB, batch.output_file_id);
      expect(output.map((line) => line.custom_id).sort()).toEqual(
        Array.from({ length: 24 }, (_, index) => `c-${index}`).sort(),
      );

      expect(partsStarted(serverA, created.id)).toEqual([]);
      expect(partsStarted(serverB, created.id)).toEqual([]);
      const [first, second] = workers.map((worker) => partsStarted(worker, created.id));
      expect(first?.length, 'parts the first worker started').toBeGreaterThan(0);
      expect(second?.length, 'parts the second worker started').toBeGreaterThan(0);
      // Each worker names itself host:pid, a different pid each.
      const identities = workers.map((worker) => `:${worker.child.pid}`);
      expect(first?.every((part) => part.worker.endsWith(identities[0] ?? '?'))).toBe(true);
      expect(second?.every((part) => part.worker.endsWith(identities[1] ?? '?'))).toBe(true);
      // 12 parts of 2 lines: each ran, on one worker or the other.
      expect(new Set([...(first ?? []), ...(second ?? [])].map((part) => part.part)).size).toBe(12);
    });
  },
);
