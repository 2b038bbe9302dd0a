import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../inference-access/inference-access.js';
import { ScriptedInference, scriptedStack } from '../test-support/scripted-inference.js';
import { serverVersion } from '../version.js';
import { createTgiRoutes } from './create-tgi-routes.js';

const logger = pino({ level: 'silent' });

describe('GET /info', () => {
  it("reports the TGI model and the provider's context length", async () => {
    const app = createTgiRoutes(createInferenceAccess(scriptedStack()), { logger });
    expect(await (await app.request('/info')).json()).toEqual({
      model_id: 'tiny-llm',
      model_sha: null,
      model_pipeline_tag: 'text-generation',
      max_concurrent_requests: 128,
      max_best_of: 1,
      max_stop_sequences: 4,
      max_input_tokens: 2047,
      max_total_tokens: 2048,
      validation_workers: 1,
      max_client_batch_size: 1,
      router: 'llama-stack-ts',
      version: serverVersion,
      sha: null,
      docker_label: null,
    });
  });

  it('uses tgiModel, and the default context length when nobody knows it', async () => {
    const provider = new ScriptedInference();
    Object.defineProperty(provider, 'modelInfo', { value: undefined });
    const app = createTgiRoutes(createInferenceAccess(scriptedStack(provider)), {
      logger,
      tgiModel: 'flaky-llm',
      defaultContextLength: 1024,
    });
    expect(await (await app.request('/info')).json()).toMatchObject({
      model_id: 'flaky-llm',
      max_total_tokens: 1024,
      max_input_tokens: 1023,
    });
  });
});

describe('POST /tokenize', () => {
  it('answers the tokens with their character spans', async () => {
    const app = createTgiRoutes(createInferenceAccess(scriptedStack()), { logger });
    const response = await app.request('/tokenize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs: 'Hello big world' }),
    });
    expect(await response.json()).toEqual([
      { id: 1, text: '', start: 0, stop: 0 },
      { id: 100, text: 'Hello', start: 0, stop: 5 },
      { id: 101, text: ' big', start: 5, stop: 9 },
      { id: 102, text: ' world', start: 9, stop: 15 },
    ]);
  });

  it('answers 404 when the provider has no tokenizer', async () => {
    const provider = new ScriptedInference();
    Object.defineProperty(provider, 'tokenize', { value: undefined });
    const app = createTgiRoutes(createInferenceAccess(scriptedStack(provider)), { logger });
    const response = await app.request('/tokenize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs: 'x' }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error_type: 'tokenizer' });
  });
});

describe('GET /health', () => {
  it('answers 200 with no body while healthy, 503 in TGI form otherwise', async () => {
    let status: 'ok' | 'error' = 'ok';
    const stack = {
      ...scriptedStack(),
      health: async () => [{ provider_id: 'scripted', provider_type: 'inline::scripted', status }],
    };
    const app = createTgiRoutes(createInferenceAccess(stack), { logger });
    const healthy = await app.request('/health');
    expect([healthy.status, await healthy.text()]).toEqual([200, '']);
    status = 'error';
    const unhealthy = await app.request('/health');
    expect(unhealthy.status).toBe(503);
    expect(await unhealthy.json()).toEqual({ error: 'unhealthy', error_type: 'healthcheck' });
  });
});
