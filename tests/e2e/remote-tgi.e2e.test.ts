import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  startDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { inferenceSuite } from '../support/inference-suite.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// `remote::tgi` end to end: the upstream is a second llama-stack-ts (`run local` on the test
// models) serving TGI's /generate, /generate_stream, /tokenize and /info; the downstream is
// `run remote-tgi` pointed at it.

const model = 'llama3.2-1b-instruct'; // the model_id the upstream's /info reports

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

  inferenceSuite({ server: () => downstream, chatModel: model });

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
