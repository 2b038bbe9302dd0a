import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textGeneration, textGenerationStream } from '@huggingface/inference';
import {
  textGenerationStream as textGenerationStreamV3,
  textGeneration as textGenerationV3,
} from 'hf-inference-v3';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { killAllChildren, type RunningDistribution, startDistribution } from '../support/cli-process.js';
import { type PostJsonInit, postJson } from '../support/http.js';
import { inferenceSuite } from '../support/inference-suite.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { manifestsDir } from '../support/repo-paths.js';
import { describeWithModels, testModels, testModelsDir } from '../support/test-models.js';

// Inference end to end: `llama-stack-ts run` on a manifest serving two real GGUF models through the
// built-in inline::llama-cpp provider, over a real socket, through every surface the server mounts:
// the Llama Stack routes, the OpenAI routes (official `openai` client), TGI's routes (raw and
// `@huggingface/inference`) and /metrics. max_tokens stay small: the whole file is a CPU budget.

const llamaCppManifest = join(manifestsDir, 'llama-cpp.yaml');
const user = (content: string) => ({ role: 'user' as const, content });

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

describeWithModels(
  'llama-stack-ts run <llama-cpp manifest>',
  [testModels.stories, testModels.tinyRandom],
  () => {
    let home: string;
    let distribution: RunningDistribution;
    let openai: OpenAI;
    const statuses: number[] = [];

    async function post(path: string, body: unknown, init: PostJsonInit = {}): Promise<Response> {
      const response = await postJson(`${distribution.url}${path}`, body, init);
      statuses.push(response.status);
      return response;
    }

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-inference-'));
      distribution = await startDistribution(llamaCppManifest, {
        home,
        env: { LLAMA_STACK_TS_TEST_MODELS: testModelsDir },
      });
      openai = new OpenAI({ baseURL: `${distribution.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    });

    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    // -- Llama Stack routes -------------------------------------------------------------------------

    it('answers a chat sent as `messages` and as the draft `dialog` alike', async () => {
      const messages = await post('/inference/chat_completion', {
        model: 'stories',
        messages: [user('Tell a story.')],
        max_tokens: 5,
      });
      const dialog = await post('/inference/chat_completion', {
        model: 'stories',
        dialog: { message: user('Tell a story.') },
        max_tokens: 5,
      });
      expect(messages.status).toBe(200);
      expect(dialog.status).toBe(200);
      const a = (await messages.json()) as { content: string; stop_reason: string; tool_calls: unknown[] };
      const b = (await dialog.json()) as { content: string };
      expect(a).toMatchObject({ stop_reason: 'max_tokens', tool_calls: [] });
      expect(a.content.length).toBeGreaterThan(0);
      expect(b.content).toBe(a.content);
    });

    it('answers batch_completion and batch_chat_completion, one response per item, in order', async () => {
      const prompts = ['Once upon a time', 'The little dog'];
      const batch = await post('/inference/batch_completion', {
        model: 'stories',
        content_batch: prompts,
        max_tokens: 4,
      });
      expect(batch.status).toBe(200);
      const completions = (await batch.json()) as { content: string }[];
      expect(completions).toHaveLength(2);
      for (const [index, prompt] of prompts.entries()) {
        const single = (await (
          await post('/inference/completion', { model: 'stories', content: prompt, max_tokens: 4 })
        ).json()) as { content: string };
        expect(completions[index]?.content).toBe(single.content);
      }

      const chats = await post('/inference/batch_chat_completion', {
        model: 'tiny-random',
        batch_messages: [[user('first')], [user('second')], [user('third')]],
        max_tokens: 3,
      });
      expect(chats.status).toBe(200);
      const answers = (await chats.json()) as { stop_reason: string; usage: { completion_tokens: number } }[];
      expect(answers).toHaveLength(3);
      expect(answers.every((answer) => answer.usage.completion_tokens <= 3)).toBe(true);
    });

    // -- The suite every chat distribution passes (OpenAI client, Llama Stack routes) ----------------

    inferenceSuite({ server: () => distribution, chatModel: 'stories' });

    it('openai: lists the models', async () => {
      const models = await openai.models.list();
      expect(models.data.map((model) => model.id)).toEqual(['stories', 'tiny-random']);
    });

    // -- TGI routes ----------------------------------------------------------------------------------

    it('TGI: /generate with details, /tokenize and /info', async () => {
      const generate = await post('/generate', {
        inputs: 'Once upon a time',
        parameters: { max_new_tokens: 4, details: true },
      });
      expect(generate.status).toBe(200);
      const body = (await generate.json()) as {
        generated_text: string;
        details: { finish_reason: string; generated_tokens: number; tokens: { text: string }[] };
      };
      expect(body.details.finish_reason).toBe('length');
      expect(body.details.generated_tokens).toBe(4);
      expect(body.details.tokens.map((token) => token.text).join('')).toBe(body.generated_text);

      const tokenize = await post('/tokenize', { inputs: 'Once upon' });
      expect(tokenize.status).toBe(200);
      const tokens = (await tokenize.json()) as { id: number; text: string; start: number; stop: number }[];
      expect(tokens.length).toBeGreaterThan(1);
      expect(tokens.at(-1)).toMatchObject({ text: ' upon', stop: 9 });

      const info = await fetch(`${distribution.url}/info`);
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({ model_id: 'stories', max_total_tokens: 2048 });
    });

    it("TGI: /invocations answers SageMaker's three forms as their own routes do", async () => {
      const parameters = { max_new_tokens: 4 };
      const invoked = await post('/invocations', { inputs: 'Once upon a time', parameters });
      expect(invoked.status).toBe(200);
      // Greedy by default, so the same text as POST /, in the same one-element list.
      const compat = await (await post('/', { inputs: 'Once upon a time', parameters })).json();
      expect(await invoked.json()).toEqual(compat);

      const chat = await post('/invocations', {
        messages: [{ role: 'user', content: 'Tell me a story.' }],
        max_tokens: 4,
      });
      expect(chat.status).toBe(200);
      expect(await chat.json()).toMatchObject({
        object: 'chat.completion',
        model: 'stories',
        usage: { completion_tokens: 4 },
      });

      const completion = await post('/invocations', { prompt: 'Once upon a time', max_tokens: 4 });
      expect(completion.status).toBe(200);
      expect(await completion.json()).toMatchObject({
        object: 'text_completion',
        usage: { completion_tokens: 4 },
      });

      const invalid = await post('/invocations', { prompt: 'Once', max_tokens: -1 });
      expect(invalid.status).toBe(422);
      expect(await invalid.json()).toMatchObject({
        error: expect.stringContaining('max_tokens'),
        error_type: 'validation',
      });
    });

    it('@huggingface/inference v3 (TGI native): textGeneration and textGenerationStream', async () => {
      const output = await textGenerationV3({
        endpointUrl: distribution.url,
        inputs: 'Once upon a time',
        parameters: { max_new_tokens: 4, return_full_text: false },
      });
      const events = [];
      for await (const event of textGenerationStreamV3({
        endpointUrl: `${distribution.url}/generate_stream`,
        inputs: 'Once upon a time',
        parameters: { max_new_tokens: 4 },
      })) {
        events.push(event);
      }
      expect(output.generated_text.length).toBeGreaterThan(0);
      // As TGI: one event per generated token, each naming its id in the vocabulary and its log
      // probability; the fourth, which spends max_new_tokens, carries the whole text.
      expect(events).toHaveLength(4);
      for (const event of events) {
        expect(event.token.special).toBe(false);
        expect(event.token.id).toBeGreaterThan(0);
        expect(event.token.logprob).toBeLessThanOrEqual(0);
      }
      expect(events.map((event) => event.generated_text)).toEqual([null, null, null, output.generated_text]);
      expect(events.map((event) => event.token.text).join('')).toBe(output.generated_text);
    });

    it('@huggingface/inference v4 (through /v1/completions): textGeneration and textGenerationStream', async () => {
      const output = await textGeneration({
        endpointUrl: distribution.url,
        inputs: 'Once upon a time',
        parameters: { max_new_tokens: 4 },
      });
      let streamed = '';
      for await (const chunk of textGenerationStream({
        endpointUrl: distribution.url,
        inputs: 'Once upon a time',
        parameters: { max_new_tokens: 4 },
      })) {
        streamed += (chunk as unknown as { choices: { text: string }[] }).choices[0]?.text ?? '';
      }
      expect(output.generated_text.length).toBeGreaterThan(0);
      expect(streamed).toBe(output.generated_text);
    });

    // -- Errors --------------------------------------------------------------------------------------

    it('unknown model: 404 on every surface', async () => {
      const stack = await post('/inference/chat_completion', { model: 'nope', messages: [user('hi')] });
      expect(stack.status).toBe(404);
      expect(((await stack.json()) as ErrorBody).error.message).toContain("'nope'");
      const error = await openai.chat.completions
        .create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('model');
    });

    it('bad sampling params: 400 naming the field (TGI: 422 validation naming it)', async () => {
      const stack = await post('/inference/completion', {
        model: 'stories',
        content: 'x',
        sampling_params: { temperature: -1 },
      });
      expect(stack.status).toBe(400);
      expect(((await stack.json()) as ErrorBody).error).toMatchObject({
        code: 'invalid_request',
        field: 'sampling_params.temperature',
      });

      const error = await openai.chat.completions
        .create({ model: 'stories', messages: [{ role: 'user', content: 'x' }], top_p: 3 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('top_p');

      const tgi = await post('/generate', { inputs: 'x', parameters: { temperature: -1 } });
      expect(tgi.status).toBe(422);
      expect(await tgi.json()).toMatchObject({
        error_type: 'validation',
        error: expect.stringContaining('temperature'),
      });
    });

    it('aborting a stream frees its sequence: the next request does not wait for it', async () => {
      // Both sequences of `stories` (parallel_sequences 2) on long generations.
      const controllers = [new AbortController(), new AbortController()];
      const started = performance.now();
      const streams = await Promise.all(
        controllers.map((controller) =>
          post(
            '/inference/completion',
            { model: 'stories', content: 'Once upon a time', max_tokens: 2000, stream: true },
            {
              signal: controller.signal,
              headers: { accept: 'text/event-stream' },
            },
          ),
        ),
      );
      // Read a few chunks of each, to know the generation is under way and how fast it goes.
      let chunksRead = 0;
      for (const stream of streams) {
        const reader = stream.body?.getReader();
        if (!reader) throw new Error('no body');
        for (let i = 0; i < 4; i++) {
          const { done } = await reader.read();
          if (done) throw new Error('the stream ended early');
          chunksRead++;
        }
      }
      const msPerChunk = (performance.now() - started) / chunksRead;
      for (const controller of controllers) controller.abort();

      const next = performance.now();
      const response = await post('/inference/completion', {
        model: 'stories',
        content: 'The dog',
        max_tokens: 4,
      });
      const waitedMs = performance.now() - next;
      expect(response.status).toBe(200);
      // Had the aborted streams kept their sequences, this request would have waited for ~2000 more
      // tokens: far more than this (2 sequences share the model, so the bound is generous).
      const remainingIfNotFreedMs = (2000 - chunksRead) * msPerChunk;
      expect(waitedMs).toBeLessThan(Math.max(1_000, remainingIfNotFreedMs / 4));
      expect(waitedMs).toBeLessThan(remainingIfNotFreedMs / 2);
    });

    it('past parallel_sequences + max_queue: 429 in the Llama Stack, TGI and OpenAI error shapes', async () => {
      // 2 sequences + 2 waiting fill `stories`; the probes then arrive while those are generating.
      const holders = Array.from({ length: 4 }, () => new AbortController());
      const held = holders.map((controller) =>
        post(
          '/inference/completion',
          { model: 'stories', content: 'Once upon a time', max_tokens: 2000 },
          { signal: controller.signal },
        ).catch(() => undefined),
      );
      try {
        // The four reach the server in their own time on a loaded machine: probe until they hold it.
        const stack = await vi.waitFor(
          async () => {
            const probe = await post('/inference/completion', {
              model: 'stories',
              content: 'x',
              max_tokens: 2,
            });
            expect(probe.status).toBe(429);
            return probe;
          },
          { timeout: 30_000, interval: 50 },
        );
        expect(((await stack.json()) as ErrorBody).error).toMatchObject({
          code: 'overloaded',
          message: expect.stringContaining('Model is overloaded'),
        });

        const tgi = await post('/generate', { inputs: 'x', parameters: { max_new_tokens: 2 } });
        expect(tgi.status).toBe(429);
        expect(await tgi.json()).toMatchObject({ error_type: 'overloaded' });

        const error = await openai.chat.completions
          .create({ model: 'stories', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(OpenAI.RateLimitError);
        expect((error as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('overloaded');

        // Another model has its own sequences: it still answers.
        const other = await post('/inference/completion', {
          model: 'tiny-random',
          content: 'x',
          max_tokens: 2,
        });
        expect(other.status).toBe(200);
      } finally {
        for (const controller of holders) controller.abort();
        await Promise.all(held);
      }
    });

    it('/metrics shows the counters after this traffic', async () => {
      const response = await fetch(`${distribution.url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const value = (pattern: RegExp) => Number(text.match(pattern)?.[1] ?? Number.NaN);
      expect(
        value(
          /^llama_stack_http_requests_total\{method="POST",route="\/inference\/completion",status="200"\} (\d+)/m,
        ),
      ).toBeGreaterThanOrEqual(5);
      expect(
        value(
          /^llama_stack_http_requests_total\{method="POST",route="\/inference\/completion",status="429"\} (\d+)/m,
        ),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value(/^llama_stack_inference_generated_tokens_total\{model="stories"\} (\d+)/m),
      ).toBeGreaterThan(20);
      expect(text).toMatch(/^llama_stack_inference_requests_total\{[^}]*model="stories"[^}]*\} \d+/m);
    });

    it('answered no request with a 5xx', () => {
      expect(statuses.length).toBeGreaterThan(15);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
    });
  },
);

// `distributions/local` serving a GGUF through llama-cpp and an embedder: one request per surface.
describeWithModels(
  'llama-stack-ts run local --env LLAMA_STACK_TS_MODEL=<stories260K> --env LLAMA_STACK_TS_EMBEDDING_MODEL=<bert>',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let distribution: RunningDistribution;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-local-'));
      distribution = await startLocalDistribution({ home });
    });
    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    it('serves the GGUF on the Llama Stack, OpenAI and TGI routes, embeddings, and /metrics', async () => {
      const openai = new OpenAI({ baseURL: `${distribution.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const models = await openai.models.list();
      const llm = models.data[0]?.id;
      if (!llm) throw new Error('local lists no model');

      const stack = await postJson(`${distribution.url}/inference/chat_completion`, {
        model: llm,
        messages: [user('Tell a story.')],
        max_tokens: 4,
      });
      expect(stack.status).toBe(200);
      expect(((await stack.json()) as { content: string }).content.length).toBeGreaterThan(0);

      const chat = await openai.chat.completions.create({
        model: llm,
        messages: [{ role: 'user', content: 'Tell a story.' }],
        max_tokens: 4,
      });
      expect(chat.usage?.completion_tokens).toBe(4);

      const tgi = await postJson(`${distribution.url}/generate`, {
        inputs: 'Once upon a time',
        parameters: { max_new_tokens: 4 },
      });
      expect(tgi.status).toBe(200);

      const embedder = models.data.find((model) => model.id !== llm)?.id;
      if (embedder) {
        const embeddings = await postJson(`${distribution.url}/inference/embeddings`, {
          model: embedder,
          contents: ['a', 'b'],
        });
        expect(embeddings.status).toBe(200);
        expect(((await embeddings.json()) as { embeddings: number[][] }).embeddings).toHaveLength(2);
      }

      const metrics = await (await fetch(`${distribution.url}/metrics`)).text();
      expect(metrics).toMatch(/^llama_stack_inference_generated_tokens_total\{[^}]*\} [1-9]/m);
    });
  },
);
