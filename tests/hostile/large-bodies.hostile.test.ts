import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Finding 1 of the hostile-input probe: one request froze the whole server. A 15 MB text posted to
// /tokenize was tokenized on the event loop, and /health took about 90 s meanwhile; a 15 MB prompt
// to /v1/chat/completions or /generate was refused only after 11.5 s of the same. Here /health is
// asked over and over while such bodies are in flight, and must keep answering. bench/hostile
// measures the same with percentiles (target p99 < 100 ms); this bound leaves room for a busy machine.

/** `local`'s default LLAMA_STACK_TS_MODEL_ID, here serving stories260K. */
const localModelId = 'llama3.2-1b-instruct';

/**
 * The longest /health may take while a large body is in flight. It took over 60 s (/tokenize) and
 * 11 s (chat) before; now it takes tens of milliseconds, and 1.4 s at worst was seen on a 2-core
 * machine with a load average of 34.
 */
const healthBoundMs = 5_000;

const sentence = 'Once upon a time, there was a little girl named Lily. She loved to play outside. ';
const fifteenMegabytes = sentence.repeat(Math.ceil(15_000_000 / sentence.length)).slice(0, 15_000_000);

describeWithModels('15 MB bodies while /health is asked', [testModels.stories], () => {
  let home: string;
  let distribution: RunningDistribution;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-hostile-large-'));
    distribution = await startLocalDistribution({ home });
  });

  afterAll(async () => {
    await killAllChildren();
    await rm(home, { recursive: true, force: true });
  });

  /** Sends the body, and times /health back to back until it is answered. */
  async function whileInFlight(path: string, body: unknown) {
    let answered = false;
    const large = postJson(`${distribution.url}${path}`, body).finally(() => {
      answered = true;
    });
    const health: number[] = [];
    do {
      const started = performance.now();
      const response = await fetch(`${distribution.url}/health`);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      health.push(performance.now() - started);
    } while (!answered);
    const response = await large;
    return { response, text: await response.text(), slowest: Math.max(...health) };
  }

  it('keeps answering /health while a 15 MB text is posted to /tokenize, and refuses the text naming the field', async () => {
    const { response, text, slowest } = await whileInFlight('/tokenize', { inputs: fifteenMegabytes });
    expect(response.status, text).toBe(422);
    expect(text).toContain('`inputs`: is 15000000 characters');
    expect(slowest).toBeLessThan(healthBoundMs);
  });

  it('keeps answering /health while a 15 MB message is posted to /v1/chat/completions, and refuses it naming the field', async () => {
    const { response, text, slowest } = await whileInFlight('/v1/chat/completions', {
      model: localModelId,
      messages: [{ role: 'user', content: fifteenMegabytes }],
      max_tokens: 8,
    });
    expect(response.status, text).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { param: 'messages', type: 'invalid_request_error' } });
    expect(slowest).toBeLessThan(healthBoundMs);
  });
});
