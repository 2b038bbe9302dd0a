import {
  allRoutes,
  type ChatCompletionRequestInput,
  type ChatCompletionResponse,
  type ChatCompletionResponseStreamChunk,
  type FileContent,
  type FileObject,
  type ListModelsResponse,
  type Model,
  type RouteDefinition,
  type UploadedFile,
} from '@llama-stack-ts/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { CallOptions, UntypedMethod } from './client-route.js';
import { createStackClient, type StackClient } from './create-stack-client.js';

describe('the default client, typed from core route tables', () => {
  const client = createStackClient({ baseUrl: 'http://127.0.0.1:5000' });

  it('is a StackClient grouped by camelCased API name', () => {
    expectTypeOf(client).toEqualTypeOf<StackClient>();
    expectTypeOf(client).toHaveProperty('agenticSystem');
    expectTypeOf(client).toHaveProperty('memoryBanks');
    expectTypeOf(client).toHaveProperty('syntheticDataGeneration');
    expectTypeOf(client).not.toHaveProperty('agentic_system');
  });

  it('types models', () => {
    expectTypeOf(client.models.listModels).returns.resolves.toEqualTypeOf<ListModelsResponse>();
    expectTypeOf(client.models.listModels).toBeCallableWith();
    expectTypeOf(client.models.getModel).parameter(0).toEqualTypeOf<{ identifier: string }>();
    expectTypeOf(client.models.getModel).parameter(1).toEqualTypeOf<CallOptions | undefined>();
    expectTypeOf(client.models.getModel).returns.resolves.toEqualTypeOf<Model>();
    // @ts-expect-error getModel needs its identifier
    client.models.getModel();
  });

  it('types inference: request inputs without `stream`, validated outputs, chunks for streams', () => {
    type ChatInput = Parameters<typeof client.inference.chatCompletion>[0];
    expectTypeOf<ChatInput>().toEqualTypeOf<Omit<ChatCompletionRequestInput, 'stream'>>();
    expectTypeOf(client.inference.chatCompletion).returns.resolves.toEqualTypeOf<ChatCompletionResponse>();
    expectTypeOf(client.inference.streamChatCompletion).returns.toEqualTypeOf<
      AsyncIterable<ChatCompletionResponseStreamChunk>
    >();
    expectTypeOf(client.inference.streamChatCompletion).toBeCallableWith(
      { model: 'llama', messages: [{ role: 'user', content: 'Hi' }] },
      { signal: AbortSignal.timeout(1000) },
    );
    // @ts-expect-error the stream method decides streaming; `stream` is not a field of the request
    client.inference.chatCompletion({ model: 'llama', messages: [], stream: true });
    // @ts-expect-error embeddings has no stream variant
    client.inference.streamEmbeddings;
  });

  it('types files: path parameters in the request, an UploadedFile in the form, FileContent back', () => {
    expectTypeOf(client.files.retrieveFile).parameter(0).toEqualTypeOf<{ file_id: string }>();
    expectTypeOf(client.files.retrieveFile).returns.resolves.toEqualTypeOf<FileObject>();
    type UploadInput = Parameters<typeof client.files.uploadFile>[0];
    expectTypeOf<UploadInput['file']>().toEqualTypeOf<UploadedFile>();
    expectTypeOf(client.files.retrieveFileContent).returns.resolves.toEqualTypeOf<FileContent>();
    expectTypeOf(client.files.listFiles).toBeCallableWith();
    // @ts-expect-error retrieveFile needs its file_id
    client.files.retrieveFile({});
  });

  it('types a bare-array body under its bodyField, beside its query parameters', () => {
    type InsertInput = Parameters<typeof client.memoryBanks.insertDocuments>[0];
    expectTypeOf<InsertInput>().toHaveProperty('bank_uuid').toEqualTypeOf<string>();
    expectTypeOf<InsertInput['documents']>().toBeArray();
  });
});

describe('a client over any route table', () => {
  const routes = [
    {
      api: 'job_queue',
      method: 'GET',
      path: '/jobs/get',
      operation: 'getJob',
      query: z.object({ id: z.string(), verbose: z.boolean().default(false) }),
      response: z.object({ id: z.string(), state: z.enum(['queued', 'done']) }),
    },
    {
      api: 'job_queue',
      method: 'POST',
      path: '/jobs/logs',
      operation: 'logs',
      stream: 'always',
      body: z.object({ id: z.string() }),
      response: z.null(),
      streamChunk: z.object({ line: z.string() }),
    },
  ] as const;
  const client = createStackClient({ baseUrl: 'http://127.0.0.1:5000', routes });

  it('derives the methods from the table', () => {
    expectTypeOf(client).toEqualTypeOf<{
      jobQueue: {
        getJob: (
          request: { id: string; verbose?: boolean | undefined },
          options?: CallOptions,
        ) => Promise<{ id: string; state: 'queued' | 'done' }>;
      } & {
        logs: (request: { id: string }, options?: CallOptions) => AsyncIterable<{ line: string }>;
      };
    }>();
  });
});

describe("a client over core's allRoutes", () => {
  it('is the default client: allRoutes keeps the literal types of every route table', () => {
    const client = createStackClient({ baseUrl: 'http://127.0.0.1:5000', routes: allRoutes });
    expectTypeOf(client).toEqualTypeOf<StackClient>();
  });
});

describe('a client over a widened route table', () => {
  it('has every API, with methods callable but untyped', () => {
    const widened: readonly RouteDefinition[] = allRoutes;
    const client = createStackClient({ baseUrl: 'http://127.0.0.1:5000', routes: widened });
    expectTypeOf(client).toEqualTypeOf<Record<string, Record<string, UntypedMethod>>>();
  });
});
