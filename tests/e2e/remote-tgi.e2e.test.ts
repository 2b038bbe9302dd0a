import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  startDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson, readSseData } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// `remote::tgi` end to end: the upstream is a second llama-stack-ts (`run local` on the test
// models) serving TGI's /generate, /generate_stream, /tokenize and /info; the downstream is
// `run remote-tgi` pointed at it.

const model = 'llama3.2-1b-instruct'; // the model_id the upstream's /info reports
const user = (content: string) => ({ role: 'user' as const, content });

describeWithModels('llama-stack-ts run remote-tgi, upstream `run local`', [testModels.stories], () => {
  let home: string;
  let upstream: RunningDistribution;
  let downstream: RunningDistribution;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-e2e-remote-tgi-'));
    upstream = await startLocalDistribution(
      {
        home: join(home, 'upstream'),
        env: { LLAMA_STACK_TS_JOBS_PREFIX: `lsts-e2e-remote-tgi-${process.pid}`, LLAMA_CPP_THREADS: '1' },
      },
      ['--no-worker'],
    );
    downstream = await startDistribution('remote-tgi', {
      home: join(home, 'downstream'),
      env: { TGI_URL: upstream.url, LLAMA_STACK_TS_EMBEDDING_MODEL: testModels.bertEmbedder },
    });
  });

  afterAll(async () => {
    await killAllChildren();
    await rm(home, { recursive: true, force: true });
  });

  it('a greedy completion answers what the upstream answers itself, with top_k logprobs and usage', async () => {
    const body = { model, content: 'Once upon a time', max_tokens: 6, logprobs: { top_k: 2 } };
    const [through, direct] = await Promise.all(
      [downstream, upstream].map(async (server) => {
        const response = await postJson(`${server.url}/inference/completion`, body);
        expect(response.status).toBe(200);
        return (await response.json()) as {
          content: string;
          stop_reason: string;
          usage: { completion_tokens: number };
          logprobs: { content: { token: string; top_logprobs: unknown[] }[] };
        };
      }),
    );
    expect(through?.content).toBe(direct?.content);
    expect(through?.stop_reason).toBe('max_tokens');
    expect(through?.usage.completion_tokens).toBe(6);
    expect(through?.logprobs.content.map((entry) => entry.token).join('')).toBe(through?.content);
    expect(through?.logprobs.content.every((entry) => entry.top_logprobs.length === 2)).toBe(true);
  });

  it('streams a completion whose deltas add up to the unstreamed answer', async () => {
    const body = { model, content: 'The dog', max_tokens: 8 };
    const whole = (await (await postJson(`${downstream.url}/inference/completion`, body)).json()) as {
      content: string;
    };
    const streamed = await postJson(`${downstream.url}/inference/completion`, { ...body, stream: true });
    expect(streamed.status).toBe(200);
    const chunks = await readSseData<{ text_delta: string; stop_reason?: string }>(streamed);
    expect(chunks.map((chunk) => chunk.text_delta).join('')).toBe(whole.content);
    expect(chunks.at(-1)?.stop_reason).toBe('max_tokens');
  });

  it('openai client: a chat, a forced tool call and JSON schema output through TGI grammars', async () => {
    const openai = new OpenAI({ baseURL: `${downstream.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const chat = await openai.chat.completions.create({
      model,
      messages: [user('Tell a story.')],
      max_tokens: 5,
    });
    expect(chat.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(chat.choices[0]?.finish_reason).toBe('length');

    // Greedy under a grammar: the upstream's TGI surface reports details (logprobs) for constrained
    // output only when greedy (a 422 otherwise, which the downstream passes on as it came).
    const tool = await openai.chat.completions.create({
      model,
      temperature: 0,
      messages: [user('Is it warm?')],
      max_tokens: 200,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: {
              type: 'object',
              properties: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
              required: ['unit'],
            },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = tool.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('no function call');
    expect(call.function.name).toBe('get_weather');
    expect(['celsius', 'fahrenheit']).toContain(
      (JSON.parse(call.function.arguments) as { unit: string }).unit,
    );

    const json = await openai.chat.completions.create({
      model,
      temperature: 0,
      messages: [user('How do you feel?')],
      max_tokens: 80,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'mood',
          schema: {
            type: 'object',
            properties: { mood: { type: 'string', enum: ['happy', 'sad'] } },
            required: ['mood'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(['happy', 'sad']).toContain(
      (JSON.parse(json.choices[0]?.message.content ?? '') as { mood: string }).mood,
    );
  });

  it('upstream down: 502 naming it and a degraded /health', async () => {
    await stopDistribution(upstream, 'SIGKILL');
    const failed = await postJson(`${downstream.url}/inference/completion`, {
      model,
      content: 'Hi',
      max_tokens: 2,
    });
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { error: { message: string } }).error.message).toContain(
      `'tgi' at ${upstream.url}`,
    );
    expect((await fetch(`${downstream.url}/health`)).status).toBe(503);
  });
});
