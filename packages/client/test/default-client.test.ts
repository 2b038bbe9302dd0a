import {
  allRoutes,
  type ChatCompletionRequest,
  InvalidRequestError,
  type Model,
  NotFoundError,
  type RouteDefinition,
} from '@llama-stack-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStackClient } from '../src/create-stack-client.js';
import { type RouteTableServer, serveRouteTable } from './serve-route-table.js';

const model: Model = {
  identifier: 'llama-3.2-1b',
  provider_id: 'llama-cpp',
  provider_resource_id: '/models/llama-3.2-1b.gguf',
  model_type: 'llm',
  metadata: {},
};

describe("the default client: core's allRoutes", () => {
  it('gives every route a method and every optional stream a stream method', () => {
    const client = createStackClient({ baseUrl: 'http://127.0.0.1:1' }) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    const routes: readonly RouteDefinition[] = allRoutes;
    for (const route of routes) {
      const group = client[route.api.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())];
      if (route.stream !== 'always')
        expect(typeof group?.[route.operation], route.operation).toBe('function');
      if (route.streamOperation)
        expect(typeof group?.[route.streamOperation], route.streamOperation).toBe('function');
    }
  });
});

describe('the default client against core route tables', () => {
  let server: RouteTableServer;
  const received: ChatCompletionRequest[] = [];
  beforeAll(async () => {
    server = await serveRouteTable(allRoutes, {
      models: {
        listModels: () => ({ data: [model] }),
        getModel: (request) => {
          if (request.identifier !== model.identifier)
            throw new NotFoundError('model', String(request.identifier));
          return model;
        },
      },
      inference: {
        chatCompletion: (request) => {
          received.push(request as ChatCompletionRequest);
          return { content: 'Hello.', stop_reason: 'finished_ok' };
        },
        streamChatCompletion: async function* (request) {
          received.push(request as ChatCompletionRequest);
          yield { text_delta: 'Hel' };
          yield { text_delta: 'lo.', stop_reason: 'finished_ok' };
        },
      },
    });
  });
  afterAll(() => server.close());

  it('lists and gets models', async () => {
    const client = createStackClient({ baseUrl: server.url });
    expect(await client.models.listModels()).toEqual({ data: [model] });
    expect(await client.models.getModel({ identifier: 'llama-3.2-1b' })).toEqual(model);
    expect(server.received.at(-1)?.query).toEqual({ identifier: ['llama-3.2-1b'] });
    await expect(client.models.getModel({ identifier: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('completes and streams a chat, with schema defaults filled on both sides', async () => {
    const client = createStackClient({ baseUrl: server.url });
    const response = await client.inference.chatCompletion({
      model: 'llama-3.2-1b',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.content).toBe('Hello.');
    expect(response.tool_calls).toEqual([]);
    expect(received.at(-1)?.stream).toBe(false);

    const deltas: string[] = [];
    for await (const chunk of client.inference.streamChatCompletion({
      model: 'llama-3.2-1b',
      messages: [{ role: 'user', content: 'Hi' }],
    })) {
      deltas.push(chunk.text_delta);
    }
    expect(deltas.join('')).toBe('Hello.');
    expect(received.at(-1)?.stream).toBe(true);
  });

  it('surfaces a request the route schema rejects as InvalidRequestError naming the field', async () => {
    const client = createStackClient({ baseUrl: server.url });
    const error = await client.inference
      .chatCompletion({
        model: 'llama-3.2-1b',
        messages: [{ role: 'user', content: 42 as unknown as string }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toMatch(/^messages\.0/);
  });
});
