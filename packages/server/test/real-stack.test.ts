import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type ChatCompletionResponseStreamChunk,
  defineProviderSpec,
  type RequestOptions,
} from '@llama-stack-ts/core';
import { createStack, silentLogger } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startStackServer } from '../src/start-stack-server.js';
import { captureLogger } from './capture-logger.js';

/**
 * The server over a stack built by core's real resolver (`createStack`): manifest validation, the
 * model registry and the inference router are the real ones; only the provider is a small inline
 * one written here, answering with the last user message reversed.
 */

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lsts-server-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const events: string[] = [];

function lastText(request: ChatCompletionRequest): string {
  const content = request.messages.at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content);
}

const reverseSpec = defineProviderSpec({
  specVersion: 'v1',
  api: 'inference',
  providerType: 'inline::reverse',
  description: 'Answers with the last message reversed.',
  configSchema: z.object({}),
  sampleConfig: () => ({}),
  async create(_config, context) {
    events.push(`create:${context.providerId}`);
    const implementation = {
      async chatCompletion(request: ChatCompletionRequest): Promise<ChatCompletionResponse> {
        return {
          content: [...lastText(request)].reverse().join(''),
          tool_calls: [],
          stop_reason: 'finished_ok',
        };
      },
      async *streamChatCompletion(
        request: ChatCompletionRequest,
        _options?: RequestOptions,
      ): AsyncIterable<ChatCompletionResponseStreamChunk> {
        for (const character of [...lastText(request)].reverse()) {
          yield { text_delta: character };
        }
      },
    };
    return {
      implementation,
      async dispose() {
        events.push(`dispose:${context.providerId}`);
      },
    };
  },
});

async function startRealStack() {
  const stack = await createStack(
    {
      name: 'reverse-distribution',
      data_dir: dataDir,
      providers: { inference: [{ provider_id: 'reverse', provider_type: 'inline::reverse' }] },
      models: [{ model_id: 'tiny', provider_id: 'reverse' }],
      server: { port: 0, auth_key: 'k' },
    },
    { providers: [reverseSpec], logger: silentLogger, routes: [] },
  );
  return startStackServer(stack, { logger: captureLogger().logger });
}

describe('the server over a stack from createStack', () => {
  it('serves chat completion, streams it, and reports models and health', async () => {
    const server = await startRealStack();
    const headers = { Authorization: 'Bearer k', 'Content-Type': 'application/json' };
    try {
      const body = { model: 'tiny', messages: [{ role: 'user', content: 'abc' }] };
      const reply = await fetch(`${server.url}/inference/chat_completion`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ content: 'cba' });

      const streamed = await fetch(`${server.url}/inference/chat_completion`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...body, stream: true }),
      });
      expect(streamed.headers.get('content-type')).toBe('text/event-stream');
      const text = await streamed.text();
      expect(text.split('\n\n').filter(Boolean)).toHaveLength(3);
      expect(text.startsWith('data: {"text_delta":"c"}\n\n')).toBe(true);

      const unknownModel = await fetch(`${server.url}/inference/chat_completion`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...body, model: 'huge' }),
      });
      expect(unknownModel.status).toBe(404);

      const invalid = await fetch(`${server.url}/inference/chat_completion`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'tiny', messages: [] }),
      });
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { error: { field: string } }).error.field).toBe('messages');

      const unserved = await fetch(`${server.url}/safety/run_shield`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      expect(unserved.status).toBe(404);
      expect(await unserved.text()).toContain("'reverse-distribution'");

      const models = await fetch(`${server.url}/models/list`, { headers });
      expect(
        ((await models.json()) as { data: { identifier: string }[] }).data.map((m) => m.identifier),
      ).toEqual(['tiny']);
      expect((await fetch(`${server.url}/models/list`)).status).toBe(401);

      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', distribution: 'reverse-distribution' });
    } finally {
      await server.close();
    }
    expect(events).toEqual(['create:reverse', 'dispose:reverse']);
  });
});
