import {
  ConflictError,
  defineRoutes,
  type Model,
  type Models,
  NotFoundError,
  OverloadedError,
  type RequestOptions,
} from '@llama-stack-ts/core';
import { z } from 'zod';
import type { ProviderHealthLike, ServableStack, ServerSettingsLike } from '../src/servable-stack.js';

/**
 * A scripted stack for the server's tests: the models protocol over two fixed models, and a small
 * `Echo` API (served as `inference`) whose methods exercise validation, streaming, failures and
 * aborts. It stands in for a resolved distribution, which another package builds.
 */

export const EchoRequest = z.object({
  text: z.string().min(1),
  count: z.number().int().min(1).max(50).default(1),
  stream: z.boolean().optional(),
  /** Stream: throw after this many chunks (0 = before the first). */
  fail_after: z.number().int().min(0).optional(),
  /** How the failure looks: a plain Error (a bug) or a StackError. */
  fail_with: z.enum(['bug', 'overloaded', 'not_found']).default('bug'),
  options: z.object({ upper: z.boolean().default(false) }).prefault({}),
});
export type EchoRequest = z.infer<typeof EchoRequest>;
export const EchoResponse = z.object({ text: z.string() });
export const EchoChunk = z.object({ index: z.number(), text: z.string() });
export type EchoChunk = z.infer<typeof EchoChunk>;

export const SumQuery = z.object({
  a: z.number(),
  b: z.number(),
  tags: z.array(z.string()).optional(),
  exact: z.boolean().optional(),
});
export type SumQuery = z.infer<typeof SumQuery>;

export const BatchItem = z.object({ text: z.string().min(1) });
export const BatchQuery = z.object({ model: z.string() });

export interface EchoApi {
  echo(request: EchoRequest, options?: RequestOptions): Promise<{ text: string }>;
  streamEcho(request: EchoRequest, options?: RequestOptions): AsyncIterable<EchoChunk>;
  sum(request: SumQuery, options?: RequestOptions): Promise<{ sum: number; tags: string[]; exact: boolean }>;
  nothing(request: { id: string }, options?: RequestOptions): Promise<null>;
  batch(request: { model: string; items: { text: string }[] }, options?: RequestOptions): Promise<unknown>;
  explode(request: object, options?: RequestOptions): Promise<never>;
  conflict(request: object, options?: RequestOptions): Promise<never>;
  slow(request: { ms: number }, options?: RequestOptions): Promise<{ waited: number }>;
  ticks(request: object, options?: RequestOptions): Promise<never>;
  streamTicks(request: object, options?: RequestOptions): AsyncIterable<{ tick: number }>;
  unimplemented(request: object, options?: RequestOptions): Promise<never>;
}

export const testRoutes = defineRoutes<EchoApi>()([
  {
    api: 'inference',
    method: 'POST',
    path: '/test/echo',
    operation: 'echo',
    streamOperation: 'streamEcho',
    stream: 'optional',
    summary: 'Echo text.',
    body: EchoRequest,
    response: EchoResponse,
    streamChunk: EchoChunk,
  },
  {
    api: 'inference',
    method: 'GET',
    path: '/test/sum',
    operation: 'sum',
    summary: 'Add two numbers from the query.',
    query: SumQuery,
    response: z.object({ sum: z.number() }),
  },
  {
    api: 'inference',
    method: 'DELETE',
    path: '/test/nothing',
    operation: 'nothing',
    summary: 'Answer null.',
    query: z.object({ id: z.string() }),
    response: z.null(),
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/test/batch',
    operation: 'batch',
    summary: 'A bare-array body.',
    query: BatchQuery,
    body: z.array(BatchItem).min(1),
    bodyField: 'items',
    response: z.unknown(),
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/test/explode',
    operation: 'explode',
    summary: 'A bug.',
    response: z.null(),
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/test/conflict',
    operation: 'conflict',
    summary: 'A conflict.',
    response: z.null(),
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/test/slow',
    operation: 'slow',
    summary: 'Wait.',
    body: z.object({ ms: z.number().int().min(0) }),
    response: z.object({ waited: z.number() }),
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/test/ticks',
    operation: 'ticks',
    streamOperation: 'streamTicks',
    stream: 'always',
    summary: 'Tick until aborted.',
    response: z.null(),
    streamChunk: z.object({ tick: z.number() }),
  },
  {
    api: 'inference',
    method: 'POST',
    path: '/test/unimplemented',
    operation: 'unimplemented',
    summary: 'Not implemented by the provider.',
    response: z.null(),
  },
  {
    api: 'safety',
    method: 'POST',
    path: '/test/unserved',
    operation: 'whatever' as never,
    summary: 'An API the fake stack does not serve.',
    body: z.object({ text: z.string() }),
    response: z.null(),
  },
]);

export const fakeModels: Model[] = [
  {
    identifier: 'tiny-llm',
    provider_id: 'echo',
    provider_resource_id: '/models/tiny.gguf',
    model_type: 'llm',
    metadata: {},
  },
  {
    identifier: 'tiny-embed',
    provider_id: 'echo',
    provider_resource_id: 'hf:x/y',
    model_type: 'embedding',
    metadata: {},
  },
];

/** What the scripted providers saw: requests, and the signals they were handed. */
export interface FakeStackRecord {
  requests: { operation: string; request: unknown }[];
  signals: AbortSignal[];
  /** Resolves with the abort reason the first time a provider's signal aborts. */
  aborted: Promise<unknown>;
  /** How many times `finally` ran in a provider stream (closed by the server or finished). */
  streamsClosed: number;
  disposeCalls: number;
}

export type FakeStack = ServableStack & { record: FakeStackRecord };

export interface FakeStackOptions {
  health?: () => Promise<ProviderHealthLike[]>;
  /** The manifest's `server:` section. */
  server?: ServerSettingsLike;
}

export function createFakeStack(options: FakeStackOptions = {}): FakeStack {
  let reportAbort: (reason: unknown) => void = () => {};
  const record: FakeStackRecord = {
    requests: [],
    signals: [],
    aborted: new Promise((resolve) => {
      reportAbort = resolve;
    }),
    streamsClosed: 0,
    disposeCalls: 0,
  };
  const seen = (operation: string, request: unknown, requestOptions?: RequestOptions) => {
    record.requests.push({ operation, request });
    const signal = requestOptions?.signal;
    if (signal) {
      record.signals.push(signal);
      signal.addEventListener('abort', () => reportAbort(signal.reason), { once: true });
    }
  };

  const models: Models = {
    async listModels(request, requestOptions) {
      seen('listModels', request, requestOptions);
      return { data: fakeModels };
    },
    async getModel(request, requestOptions) {
      seen('getModel', request, requestOptions);
      const model = fakeModels.find((candidate) => candidate.identifier === request.identifier);
      if (!model)
        throw new NotFoundError(
          'model',
          request.identifier,
          'Register it under `models:` in distribution.yaml.',
        );
      return model;
    },
  };

  const failure = (kind: EchoRequest['fail_with']) =>
    kind === 'overloaded'
      ? new OverloadedError()
      : kind === 'not_found'
        ? new NotFoundError('model', 'nope')
        : new Error('secret internal detail at /srv/provider.ts:42');

  const echo: Omit<EchoApi, 'unimplemented'> = {
    async echo(request, requestOptions) {
      seen('echo', request, requestOptions);
      const text = request.options.upper ? request.text.toUpperCase() : request.text;
      return { text: text.repeat(request.count) };
    },
    async *streamEcho(request, requestOptions) {
      seen('streamEcho', request, requestOptions);
      try {
        for (let index = 0; index < request.count; index++) {
          if (request.fail_after === index) throw failure(request.fail_with);
          yield { index, text: request.text };
        }
      } finally {
        record.streamsClosed++;
      }
    },
    async sum(request, requestOptions) {
      seen('sum', request, requestOptions);
      return { sum: request.a + request.b, tags: request.tags ?? [], exact: request.exact ?? false };
    },
    async nothing(request, requestOptions) {
      seen('nothing', request, requestOptions);
      return null;
    },
    async batch(request, requestOptions) {
      seen('batch', request, requestOptions);
      return { model: request.model, texts: request.items.map((item) => item.text) };
    },
    async explode(request, requestOptions) {
      seen('explode', request, requestOptions);
      throw new Error('secret internal detail at /srv/provider.ts:42');
    },
    async conflict(request, requestOptions) {
      seen('conflict', request, requestOptions);
      throw new ConflictError("Memory bank 'docs' already exists.", { field: 'bank_id' });
    },
    async slow(request, requestOptions) {
      seen('slow', request, requestOptions);
      await sleep(request.ms, requestOptions?.signal);
      return { waited: request.ms };
    },
    async ticks() {
      throw new Error('ticks is only streamed');
    },
    async *streamTicks(request, requestOptions) {
      seen('streamTicks', request, requestOptions);
      try {
        for (let tick = 0; ; tick++) {
          yield { tick };
          await sleep(20, requestOptions?.signal);
        }
      } finally {
        record.streamsClosed++;
      }
    },
  };

  return {
    manifest: { name: 'test-distribution', ...(options.server ? { server: options.server } : {}) },
    apis: { inference: echo },
    models,
    health:
      options.health ??
      (async () => [{ provider_id: 'echo', provider_type: 'inline::echo', status: 'ok' as const }]),
    async dispose() {
      record.disposeCalls++;
    },
    record,
  };
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
