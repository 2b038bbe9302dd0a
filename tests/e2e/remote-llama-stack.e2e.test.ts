import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createStackClient, type StackClient } from '@llama-stack-ts/client';
import { NotFoundError, uploadedFile } from '@llama-stack-ts/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  startDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson, readSseData } from '../support/http.js';
import { inferenceSuite } from '../support/inference-suite.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// `remote::llama-stack` end to end: the upstream is `run local` on the test models, behind an auth
// key; the downstream is `run remote-llama-stack` pointed at it, every API forwarded.

const chatModel = 'llama3.2-1b-instruct';
const embeddingModel = 'all-MiniLM-L6-v2';
const upstreamKey = 'upstream-bearer-secret';
const user = (content: string) => ({ role: 'user' as const, content });

interface ErrorBody {
  error: { code: string; message: string };
}

describeWithModels(
  'llama-stack-ts run remote-llama-stack, upstream `run local`',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let upstream: RunningDistribution;
    let downstream: RunningDistribution;
    let client: StackClient;
    const upstreamEnv = () => ({
      home: join(home, 'upstream'),
      env: {
        LLAMA_STACK_TS_JOBS_PREFIX: `lsts-e2e-remote-llama-stack-${process.pid}`,
        LLAMA_CPP_THREADS: '1',
        LLAMA_STACK_TS_AUTH_KEY: upstreamKey,
      },
    });
    const upstreamHeaders = { authorization: `Bearer ${upstreamKey}` };

    /** A value of the upstream's Prometheus text, summed over the series `pattern` matches. */
    async function upstreamMetric(pattern: RegExp): Promise<number> {
      const text = await (await fetch(`${upstream.url}/metrics`, { headers: upstreamHeaders })).text();
      let sum = 0;
      for (const match of text.matchAll(new RegExp(pattern, 'gm'))) sum += Number(match[1]);
      return sum;
    }

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-remote-llama-stack-'));
      upstream = await startLocalDistribution(upstreamEnv(), ['--no-worker']);
      downstream = await startDistribution('remote-llama-stack', {
        home: join(home, 'downstream'),
        env: {
          LLAMA_STACK_URL: upstream.url,
          LLAMA_STACK_API_KEY: upstreamKey,
          LLAMA_STACK_CONNECT_TIMEOUT_MS: '5000',
        },
      });
      client = createStackClient({ baseUrl: downstream.url });
    });

    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    it("serves the upstream's models under their ids, and never logs the API key", async () => {
      const { data } = await client.models.listModels();
      expect(data.find((model) => model.identifier === chatModel)).toMatchObject({
        model_type: 'llm',
        provider_id: 'upstream-inference',
      });
      expect(data.find((model) => model.identifier === embeddingModel)?.model_type).toBe('embedding');
      expect(downstream.output()).not.toContain(upstreamKey);
    });

    it('a greedy chat, streamed or not, answers what the upstream answers itself', async () => {
      const request = { model: chatModel, messages: [user('Tell a story.')], max_tokens: 8 };
      const direct = createStackClient({ baseUrl: upstream.url, apiKey: upstreamKey });
      const [through, itself] = await Promise.all([
        client.inference.chatCompletion(request),
        direct.inference.chatCompletion(request),
      ]);
      expect(through.content).not.toBe('');
      expect(through).toEqual(itself);

      const response = await postJson(`${downstream.url}/inference/chat_completion`, {
        ...request,
        stream: true,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const chunks = await readSseData<{ text_delta: string; stop_reason?: string }>(response);
      expect(chunks.map((chunk) => chunk.text_delta).join('')).toBe(itself.content);
      expect(chunks.at(-1)?.stop_reason).toBe('max_tokens');
    });

    inferenceSuite({ server: () => downstream, chatModel });

    it('completion and embeddings are forwarded', async () => {
      const completion = await client.inference.completion({
        model: chatModel,
        content: 'Once upon a time',
        max_tokens: 4,
      });
      expect(completion.content).not.toBe('');
      const contents = ['a red apple', 'the stock market'];
      const direct = createStackClient({ baseUrl: upstream.url, apiKey: upstreamKey });
      const [through, itself] = await Promise.all([
        client.inference.embeddings({ model: embeddingModel, contents }),
        direct.inference.embeddings({ model: embeddingModel, contents }),
      ]);
      expect(through.embeddings).toHaveLength(2);
      expect(through.embeddings).toEqual(itself.embeddings);
    });

    it("tokenize and model info are the upstream model's, and TGI's /tokenize serves them through the hop", async () => {
      const direct = createStackClient({ baseUrl: upstream.url, apiKey: upstreamKey });
      const request = { model: chatModel, content: 'Once upon a time' };
      const [through, itself] = await Promise.all([
        client.inference.tokenize(request),
        direct.inference.tokenize(request),
      ]);
      expect(through.tokens.length).toBeGreaterThan(1);
      expect(through).toEqual(itself);
      expect(await client.inference.modelInfo({ model: chatModel })).toEqual(
        await direct.inference.modelInfo({ model: chatModel }),
      );
      const tgiTokenize = async (url: string, headers: Record<string, string> = {}) => {
        const response = await postJson(`${url}/tokenize`, { inputs: request.content }, { headers });
        expect(response.status).toBe(200);
        return response.json();
      };
      expect(await tgiTokenize(downstream.url)).toEqual(await tgiTokenize(upstream.url, upstreamHeaders));
    });

    it('one /health of the downstream asks the upstream /health once, for all its providers', async () => {
      const upstreamHealthCalls = () =>
        upstreamMetric(
          /^llama_stack_http_requests_total\{method="GET",route="\/health",status="\d+"\} (\d+)/,
        );
      const before = await upstreamHealthCalls();
      const response = await fetch(`${downstream.url}/health`);
      expect(response.status).toBe(200);
      expect(await upstreamHealthCalls()).toBe(before + 1);
    });

    it("a memory bank written through the downstream is the upstream's, and is queried through it", async () => {
      await client.memoryBanks.createMemoryBank({ bank_uuid: 'forwarded', bank_name: 'Forwarded' });
      await client.memoryBanks.insertDocuments({
        bank_uuid: 'forwarded',
        documents: [
          {
            uuid: 'bread',
            content: 'Sourdough bread rises with a starter of flour and water.',
            metadata: { title: 'bread' },
            mime_type: 'text/plain',
          },
        ],
      });
      const answer = await client.memoryBanks.queryDocuments({ bank_uuid: 'forwarded', query: 'starter' });
      expect(answer.chunks[0]?.document_id).toBe('bread');
      const direct = createStackClient({ baseUrl: upstream.url, apiKey: upstreamKey });
      expect((await direct.memoryBanks.listMemoryBanks()).map((bank) => bank.uuid)).toContain('forwarded');
    });

    it("a file uploaded through the downstream (multipart) is the upstream's, and downloads through it", async () => {
      const text = '{"custom_id":"1"}\n';
      const created = await client.files.uploadFile({
        file: uploadedFile('lines.jsonl', text, 'application/jsonl'),
        purpose: 'batch',
      });
      expect(created).toMatchObject({ filename: 'lines.jsonl', bytes: text.length });
      const direct = createStackClient({ baseUrl: upstream.url, apiKey: upstreamKey });
      expect(await direct.files.retrieveFile({ file_id: created.id })).toEqual(created);
      const content = await client.files.retrieveFileContent({ file_id: created.id });
      expect([content.filename, content.content_type]).toEqual(['lines.jsonl', 'application/jsonl']);
      expect(await new Response(content.stream).text()).toBe(text);
    });

    it("an agent turn streams through the downstream, and the session is the upstream's", async () => {
      const { agent_uuid } = await client.agenticSystem.createAgenticSystem({
        instructions: 'You are a helpful assistant.',
        model: chatModel,
        sampling_params: { max_tokens: 6 },
      });
      const { session_id } = await client.agenticSystem.createSession({ agent_uuid });
      const events = [];
      for await (const event of client.agenticSystem.streamExecuteSessionTurn({
        agent_uuid,
        session_id,
        messages: [user('Tell me a story.')],
      })) {
        events.push(event);
      }
      const inference = events.filter((event) => event.step_type === 'model_inference');
      expect(inference.at(0)?.event_type).toBe('step_start');
      expect(inference.at(-1)?.event_type).toBe('step_end');
      const direct = createStackClient({ baseUrl: upstream.url, apiKey: upstreamKey });
      const session = await direct.agenticSystem.getSession({ agent_uuid, session_id });
      expect(session.turns).toHaveLength(1);
    });

    it("an upstream 4xx keeps its status, code and the upstream's message", async () => {
      const response = await postJson(`${downstream.url}/memory_bank/query`, {
        bank_uuid: 'nowhere',
        query: 'anything',
      });
      expect(response.status).toBe(404);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toContain("memory bank 'nowhere'");
      await expect(client.datasets.getDataset({ dataset_id: 'nowhere' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('a client that leaves cancels the upstream stream (the upstream /metrics shows it)', async () => {
      const depth = () =>
        upstreamMetric(/^llama_stack_inference_queue_depth\{operation="stream_completion"\} (\d+)/);
      const controller = new AbortController();
      const response = await postJson(
        `${downstream.url}/inference/completion`,
        { model: chatModel, content: 'Once upon a time', max_tokens: 2000, stream: true },
        { signal: controller.signal },
      );
      expect(response.status).toBe(200);
      const reader = response.body?.getReader();
      if (!reader) throw new Error('no body');
      for (let i = 0; i < 3; i++) await reader.read();
      expect(await depth()).toBe(1);
      controller.abort();

      const deadline = Date.now() + 20_000;
      let left = 1;
      while (Date.now() < deadline) {
        left = await depth();
        if (left === 0) break;
        await delay(100);
      }
      expect(left).toBe(0);
    });

    it('upstream down: 502 naming it and a degraded /health; both recover when it returns', async () => {
      await stopDistribution(upstream, 'SIGKILL');
      const failed = await postJson(`${downstream.url}/inference/chat_completion`, {
        model: chatModel,
        messages: [user('Hi')],
        max_tokens: 2,
      });
      expect(failed.status).toBe(502);
      const body = (await failed.json()) as ErrorBody;
      expect(body.error.code).toBe('upstream_error');
      expect(body.error.message).toContain(`'upstream-inference' at ${upstream.url}`);
      expect(body.error.message).not.toContain(upstreamKey);

      const health = await fetch(`${downstream.url}/health`);
      expect(health.status).toBe(503);
      const report = (await health.json()) as { providers: { provider_id: string; status: string }[] };
      expect(report.providers.find((provider) => provider.provider_id === 'upstream-inference')?.status).toBe(
        'error',
      );

      upstream = await startLocalDistribution({ ...upstreamEnv(), port: upstream.port }, ['--no-worker']);
      expect((await fetch(`${downstream.url}/health`)).status).toBe(200);
      const recovered = await client.inference.chatCompletion({
        model: chatModel,
        messages: [user('Hi')],
        max_tokens: 2,
      });
      expect(recovered.content).not.toBe('');
      expect(downstream.output()).not.toContain(upstreamKey);
    }, 240_000);
  },
);
