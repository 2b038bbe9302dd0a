import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { Inference } from './inference-protocol.js';
import { inferenceRoutes as inferenceRouteTable } from './inference-routes.js';
import {
  BatchChatCompletionRequest,
  BatchCompletionRequest,
  ChatCompletionRequest,
  ChatCompletionResponse,
  CompletionRequest,
  EmbeddingsRequest,
} from './inference-schemas.js';

/** Widened to the entry type, so optional members (`streamChunk`, `experimental`) can be read. */
const inferenceRoutes: readonly RouteDefinition<Inference>[] = inferenceRouteTable;

const fixturesDirectory = new URL('./__fixtures__/', import.meta.url);
const fixtureNames = readdirSync(fixturesDirectory).filter((name) => name.endsWith('.json'));

function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, fixturesDirectory), 'utf8'));
}

/** `<route>.<kind>[-case].json`: the route is the last path segment, the kind picks the schema. */
function schemaOfFixture<Protocol>(routes: readonly RouteDefinition<Protocol>[], name: string): z.ZodType {
  const [routeName, kindAndCase] = name.replace(/\.json$/, '').split('.');
  const route = routes.find((candidate) => candidate.path.split('/').at(-1) === routeName);
  if (!route) throw new Error(`fixture ${name} names no route of the table`);
  const kind = kindAndCase?.split('-')[0];
  const schema =
    kind === 'request'
      ? (route.body ?? route.query)
      : kind === 'response'
        ? route.response
        : kind === 'chunk'
          ? route.streamChunk
          : undefined;
  if (!schema) throw new Error(`fixture ${name}: route ${route.path} has no schema for kind '${kind}'`);
  return schema;
}

const user = { role: 'user', content: 'Hi' } as const;

describe('inference fixtures', () => {
  it.each(fixtureNames)('%s parses against its route', (name) => {
    const result = schemaOfFixture(inferenceRoutes, name).safeParse(readFixture(name));
    expect(result.error?.issues).toBeUndefined();
  });

  it('cover the request and response of every route, and the chunk of every streamed route', () => {
    for (const route of inferenceRoutes) {
      const routeName = route.path.split('/').at(-1);
      const kinds = ['request', 'response', ...(route.streamChunk ? ['chunk'] : [])];
      for (const kind of kinds) {
        expect(
          fixtureNames.some((name) => name.startsWith(`${routeName}.${kind}`)),
          `${routeName}.${kind}`,
        ).toBe(true);
      }
    }
  });
});

describe('inference routes', () => {
  it('have the paths of the spec, plus experimental embeddings and the tokenizer extensions', () => {
    expect(inferenceRoutes.map((route) => [route.method, route.path, route.experimental ?? false])).toEqual([
      ['POST', '/inference/completion', false],
      ['POST', '/inference/chat_completion', false],
      ['POST', '/inference/batch_completion', false],
      ['POST', '/inference/batch_chat_completion', false],
      ['POST', '/inference/embeddings', true],
      ['POST', '/inference/tokenize', true],
      ['GET', '/inference/model_info', true],
    ]);
  });

  it('stream completion and chat completion when asked', () => {
    const streamed = inferenceRoutes
      .filter((route) => route.stream === 'optional')
      .map((route) => route.streamOperation);
    expect(streamed).toEqual(['streamCompletion', 'streamChatCompletion']);
  });

  it('give every request body a JSON Schema for the OpenAPI document', () => {
    for (const route of inferenceRoutes) {
      expect(() => z.toJSONSchema(route.body ?? z.null(), { io: 'input' }), route.path).not.toThrow();
    }
  });
});

describe('defaults', () => {
  it('fill a minimal completion request as the spec does', () => {
    expect(CompletionRequest.parse({ model: 'llama3_8b', content: 'Once upon' })).toEqual({
      model: 'llama3_8b',
      content: 'Once upon',
      sampling_params: { strategy: 'greedy', temperature: 0, top_p: 0.95, top_k: 0 },
      max_tokens: 0,
      stream: false,
      logprobs: false,
    });
  });

  it('accept a message without tool_calls or tool_responses', () => {
    const request = ChatCompletionRequest.parse({ model: 'm', messages: [user] });
    expect(request.messages).toEqual([{ role: 'user', content: 'Hi', tool_calls: [], tool_responses: [] }]);
    expect(request).toMatchObject({ available_tools: [], tool_choice: 'auto', max_tokens: 0, stream: false });
  });

  it('take max_tokens from the request, else from sampling_params (later Llama Stack)', () => {
    const budget = (input: object) =>
      CompletionRequest.parse({ model: 'm', content: 'x', ...input }).max_tokens;
    expect(budget({})).toBe(0);
    expect(budget({ sampling_params: { max_tokens: 16 } })).toBe(16);
    expect(budget({ max_tokens: 8, sampling_params: { max_tokens: 16 } })).toBe(8);
    const chat = (input: object) =>
      ChatCompletionRequest.parse({ model: 'm', messages: [user], ...input }).max_tokens;
    expect(chat({ sampling_params: { max_tokens: 16 } })).toBe(16);
  });

  it('fill tool_calls of a response', () => {
    expect(ChatCompletionResponse.parse({ content: 'Hello' }).tool_calls).toEqual([]);
  });

  it('normalise logprobs: true means { top_k: 1 }, an object is kept, false stays false', () => {
    const logprobsOf = (logprobs: unknown) =>
      CompletionRequest.parse({ model: 'm', content: 'x', logprobs }).logprobs;
    expect(logprobsOf(true)).toEqual({ top_k: 1 });
    expect(logprobsOf({})).toEqual({ top_k: 1 });
    expect(logprobsOf({ top_k: 5 })).toEqual({ top_k: 5 });
    expect(logprobsOf(false)).toBe(false);
    expect(logprobsOf(undefined)).toBe(false);
  });
});

describe('conversation shapes', () => {
  it('normalise the draft dialog and the later messages to the same request', () => {
    const fromDialog = ChatCompletionRequest.parse(readFixture('chat_completion.request-dialog.json'));
    const fromMessages = ChatCompletionRequest.parse(readFixture('chat_completion.request-messages.json'));
    expect(fromDialog).toEqual(fromMessages);
    expect(fromDialog).not.toHaveProperty('dialog');
    expect(fromDialog.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ]);
  });

  it('normalise batch_dialogs and batch_messages to the same request', () => {
    const fromDialogs = BatchChatCompletionRequest.parse(
      readFixture('batch_chat_completion.request-dialogs.json'),
    );
    const fromMessages = BatchChatCompletionRequest.parse(
      readFixture('batch_chat_completion.request-messages.json'),
    );
    expect(fromDialogs).toEqual(fromMessages);
    expect(fromDialogs).not.toHaveProperty('batch_dialogs');
  });
});

describe('bad input fails on the field at fault', () => {
  const chat = (extra: Record<string, unknown>) => ({ model: 'm', messages: [user], ...extra });

  it.each([
    ['no conversation', ChatCompletionRequest, { model: 'm' }, 'messages', /required.*Message.*dialog/],
    [
      'both conversation shapes',
      ChatCompletionRequest,
      chat({ dialog: { message: user } }),
      'messages',
      /not both/,
    ],
    [
      'an empty conversation',
      ChatCompletionRequest,
      chat({ messages: [] }),
      'messages',
      /at least one message/,
    ],
    [
      "an image in OpenAI's form",
      ChatCompletionRequest,
      chat({
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }] }],
      }),
      'messages.0.content',
      /attachment `\{"url": .*"mime_type"/,
    ],
    [
      'a max_tokens past any context',
      ChatCompletionRequest,
      chat({ max_tokens: 2 ** 53 }),
      'max_tokens',
      /at most 2147483647/,
    ],
    [
      'an unknown role',
      ChatCompletionRequest,
      chat({ messages: [{ role: 'bot', content: 'x' }] }),
      'messages.0.role',
      /"user"/,
    ],
    [
      'a bad dialog message',
      ChatCompletionRequest,
      { model: 'm', dialog: { message: { role: 'user' } } },
      'dialog.message.content',
      /must be text, an attachment/,
    ],
    ['no model', CompletionRequest, { content: 'x' }, 'model', /expected string/],
    ['an empty model id', CompletionRequest, { model: '', content: 'x' }, 'model', /registered model/],
    [
      'negative max_tokens',
      CompletionRequest,
      { model: 'm', content: 'x', max_tokens: -1 },
      'max_tokens',
      />=0/,
    ],
    ['fractional max_tokens', ChatCompletionRequest, chat({ max_tokens: 1.5 }), 'max_tokens', /whole number/],
    [
      'a temperature too high',
      ChatCompletionRequest,
      chat({ sampling_params: { temperature: 3 } }),
      'sampling_params.temperature',
      /<=2/,
    ],
    [
      'top_k above 20',
      CompletionRequest,
      { model: 'm', content: 'x', logprobs: { top_k: 21 } },
      'logprobs.top_k',
      /<=20/,
    ],
    [
      'logprobs of a wrong type',
      CompletionRequest,
      { model: 'm', content: 'x', logprobs: 'yes' },
      'logprobs',
      /top_k/,
    ],
    [
      'an unknown tool_choice',
      ChatCompletionRequest,
      chat({ tool_choice: 'maybe' }),
      'tool_choice',
      /'auto', 'required', 'none'/,
    ],
    [
      'tool_choice naming a tool not offered',
      ChatCompletionRequest,
      chat({ tool_choice: { tool_name: 'calculator' }, available_tools: [{ tool_name: 'web_search' }] }),
      'tool_choice.tool_name',
      /'calculator' is not in `available_tools` \(web_search\)/,
    ],
    [
      'tool_choice required with no tools',
      ChatCompletionRequest,
      chat({ tool_choice: 'required' }),
      'tool_choice',
      /at least one tool/,
    ],
    [
      'an unknown response_format type',
      ChatCompletionRequest,
      chat({ response_format: { type: 'regex' } }),
      'response_format.type',
      /json_schema.*grammar/,
    ],
    [
      'a grammar without bnf',
      CompletionRequest,
      { model: 'm', content: 'x', response_format: { type: 'grammar' } },
      'response_format.bnf',
      /expected string/,
    ],
    [
      'an empty stop sequence',
      CompletionRequest,
      { model: 'm', content: 'x', stop: [''] },
      'stop.0',
      /must not be empty/,
    ],
    [
      'a batch without conversations',
      BatchChatCompletionRequest,
      { model: 'm' },
      'batch_messages',
      /batch_dialogs/,
    ],
    [
      'an empty conversation in a batch',
      BatchChatCompletionRequest,
      { model: 'm', batch_messages: [[user], []] },
      'batch_messages.1',
      /at least one message/,
    ],
    [
      'a batch with a bad prompt',
      BatchCompletionRequest,
      { model: 'm', content_batch: ['ok', 7] },
      'content_batch.1',
      /must be text, an attachment/,
    ],
    ['nothing to embed', EmbeddingsRequest, { model: 'm', contents: [] }, 'contents', /at least one item/],
  ] as const)('%s', (_case, schema, value, field, message) => {
    const error = expectInvalidRequest(() => parseRequest(schema, value));
    expect(error.status).toBe(400);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });
});
