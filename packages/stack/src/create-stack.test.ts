import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Inference, type ProviderContext, type RouteDefinition, StackError } from '@llama-stack-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedSpec } from '../test/scripted-provider-specs.js';
import { createStack, type ResolvedStack } from './create-stack.js';
import { apiTokens, ModelsToken, providerToken } from './injection-tokens.js';
import type { DistributionManifestInput } from './manifest/manifest-schema.js';
import { ProviderStartError } from './providers/provider-start-error.js';
import { type StackLogger, silentLogger } from './stack-logger.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lsts-stack-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const noRoutes: readonly RouteDefinition[] = [];

function collectingLogger(): StackLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

function layeredSetup() {
  const log: string[] = [];
  const contexts = new Map<string, ProviderContext>();
  const specs = [
    scriptedSpec({ api: 'inference', type: 'inline::scripted-llama', log, contexts }),
    scriptedSpec({
      api: 'memory_banks',
      type: 'inline::scripted-memory',
      log,
      contexts,
      dependencies: ['inference'],
    }),
    scriptedSpec({
      api: 'safety',
      type: 'inline::scripted-safety',
      log,
      contexts,
      optionalDependencies: ['inference'],
    }),
    scriptedSpec({
      api: 'agentic_system',
      type: 'inline::scripted-agents',
      log,
      contexts,
      dependencies: ['inference', 'memory_banks', 'safety'],
    }),
  ];
  const manifest: DistributionManifestInput = {
    name: 'layered',
    data_dir: dataDir,
    providers: {
      agentic_system: [{ provider_id: 'agents', provider_type: 'inline::scripted-agents' }],
      memory_banks: [{ provider_id: 'memory', provider_type: 'inline::scripted-memory' }],
      safety: [{ provider_id: 'guard', provider_type: 'inline::scripted-safety' }],
      inference: [
        { provider_id: 'fast', provider_type: 'inline::scripted-llama' },
        { provider_id: 'big', provider_type: 'inline::scripted-llama' },
      ],
    },
    models: [
      { model_id: 'tiny', provider_id: 'fast', provider_model_id: 'stories260K.gguf' },
      { model_id: 'large', provider_id: 'big' },
      { model_id: 'minilm', provider_id: 'fast', model_type: 'embedding' },
      { model_id: 'guard-model', provider_id: 'guard' },
    ],
    shields: [{ shield_id: 'llama_guard' }],
    memory_banks: [{ memory_bank_id: 'docs', embedding_model: 'minilm' }],
  };
  return { log, contexts, specs, manifest };
}

describe('createStack', () => {
  it('creates providers after their dependencies and disposes them in reverse, once', async () => {
    const { log, contexts, specs, manifest } = layeredSetup();
    const stack = await createStack(manifest, { providers: specs, logger: silentLogger, routes: noRoutes });
    expect(log).toEqual(['create:fast', 'create:big', 'create:guard', 'create:memory', 'create:agents']);
    expect(stack.servedApis()).toEqual(['inference', 'safety', 'memory_banks', 'agentic_system']);

    // Dependencies arrive as the API implementations: inference behind its router.
    const agentsDeps = contexts.get('agents')?.deps;
    expect(agentsDeps?.inference).toBe(stack.apis.inference);
    expect(agentsDeps?.memory_banks).toBe(stack.apis.memory_banks);
    expect(contexts.get('guard')?.deps).toEqual({ inference: stack.apis.inference });

    // Start-up registrations reach the providers they name (or the only provider of the API).
    expect(contexts.get('fast')?.models.map((model) => model.identifier)).toEqual(['tiny', 'minilm']);
    expect(contexts.get('fast')?.models[0]?.provider_resource_id).toBe('stories260K.gguf');
    expect(contexts.get('guard')?.shields).toEqual([
      { shield_id: 'llama_guard', provider_id: 'guard', params: {} },
    ]);
    expect(contexts.get('memory')?.memoryBanks?.map((bank) => bank.memory_bank_id)).toEqual(['docs']);
    expect(contexts.get('memory')?.dataDir).toBe(join(dataDir, 'memory'));
    expect((await stat(join(dataDir, 'memory'))).isDirectory()).toBe(true);

    // The container holds each API under its token.
    expect(stack.container.resolve(apiTokens.inference)).toBe(stack.apis.inference);
    expect(stack.container.resolve(ModelsToken)).toBe(stack.models);
    expect(stack.container.resolve(providerToken('memory'))).toBe(stack.apis.memory_banks);

    log.length = 0;
    await Promise.all([stack.dispose(), stack.dispose()]);
    await stack[Symbol.asyncDispose]();
    expect(log).toEqual(['dispose:agents', 'dispose:memory', 'dispose:guard', 'dispose:big', 'dispose:fast']);
    expect(stack.disposed).toBe(true);
  });

  it('hands every provider the url_fetch policy: the data directory as file root by default', async () => {
    const { contexts, specs, manifest } = layeredSetup();
    await using _default = await createStack(manifest, {
      providers: specs,
      logger: silentLogger,
      routes: noRoutes,
    });
    expect(contexts.get('memory')?.urlPolicy).toEqual({
      allowedFileRoots: [dataDir],
      allowedPrivateHosts: [],
    });

    await using _configured = await createStack(
      {
        ...manifest,
        url_fetch: {
          allowed_private_hosts: ['minio.internal', '10.0.0.0/8'],
          file_roots: ['datasets', '/srv/shared'],
        },
      },
      { providers: specs, logger: silentLogger, routes: noRoutes, baseDir: '/etc/llama' },
    );
    expect(contexts.get('agents')?.urlPolicy).toEqual({
      allowedFileRoots: ['/etc/llama/datasets', '/srv/shared'],
      allowedPrivateHosts: ['minio.internal', '10.0.0.0/8'],
    });
  });

  it('serves the Models API from the manifest', async () => {
    const { specs, manifest } = layeredSetup();
    await using stack = await createStack(manifest, {
      providers: specs,
      logger: silentLogger,
      routes: noRoutes,
    });
    const { data } = await stack.models.listModels({});
    expect(data.map((model) => model.identifier)).toEqual(['tiny', 'large', 'minilm', 'guard-model']);
    expect(await stack.models.getModel({ identifier: 'large' })).toEqual({
      identifier: 'large',
      provider_id: 'big',
      provider_resource_id: 'large',
      model_type: 'llm',
      metadata: {},
    });
    await expect(stack.models.getModel({ identifier: 'nope' })).rejects.toMatchObject({ status: 404 });
  });

  it('registers the models a provider discovered, under it, unless the manifest has the id', async () => {
    const log: string[] = [];
    const specs = [
      scriptedSpec({
        api: 'inference',
        type: 'remote::scripted-upstream',
        log,
        discoverModels: () => [
          { identifier: 'listed', provider_resource_id: 'org/listed', model_type: 'llm' },
          { identifier: 'pinned', provider_resource_id: 'org/pinned', model_type: 'llm' },
        ],
      }),
    ];
    await using stack = await createStack(
      {
        name: 'discovery',
        providers: { inference: [{ provider_id: 'upstream', provider_type: 'remote::scripted-upstream' }] },
        models: [{ model_id: 'pinned', provider_id: 'upstream', provider_model_id: 'org/pinned-v2' }],
        data_dir: join(dataDir, 'discovery'),
      },
      { providers: specs, logger: silentLogger, routes: noRoutes },
    );
    const { data } = await stack.models.listModels({});
    expect(data.map((model) => [model.identifier, model.provider_id, model.provider_resource_id])).toEqual([
      ['pinned', 'upstream', 'org/pinned-v2'],
      ['listed', 'upstream', 'org/listed'],
    ]);
    const answer = (await stack.apis.inference?.chatCompletion({
      model: 'listed',
      messages: [{ role: 'user', content: 'Hi', tool_calls: [], tool_responses: [] }],
    } as never)) as unknown as { provider: string };
    expect(answer.provider).toBe('upstream');
  });

  it('asks a discovering provider again when a request names an unknown model: an upstream that gained one, at most every few seconds', async () => {
    const upstreamModels = [
      { identifier: 'first', provider_resource_id: 'first', model_type: 'llm' as const },
    ];
    let asked = 0;
    const specs = [
      scriptedSpec({
        api: 'inference',
        type: 'remote::scripted-upstream',
        log: [],
        discoverModels: () => {
          asked++;
          return upstreamModels;
        },
      }),
    ];
    await using stack = await createStack(
      {
        name: 'rediscovery',
        providers: { inference: [{ provider_id: 'upstream', provider_type: 'remote::scripted-upstream' }] },
        data_dir: join(dataDir, 'rediscovery'),
      },
      { providers: specs, logger: silentLogger, routes: noRoutes },
    );
    expect(asked).toBe(1);
    upstreamModels.push({ identifier: 'later', provider_resource_id: 'later', model_type: 'llm' });
    const chat = (model: string) =>
      stack.apis.inference?.chatCompletion({
        model,
        messages: [{ role: 'user', content: 'Hi', tool_calls: [], tool_responses: [] }],
      } as never) as unknown as Promise<{ provider: string }>;
    await expect(chat('later')).resolves.toMatchObject({ provider: 'upstream' });
    expect(asked).toBe(2);
    // Within the interval an unknown model is answered 404 without asking the upstream again.
    await expect(chat('never')).rejects.toMatchObject({ status: 404 });
    await expect(stack.models.listModels({})).resolves.toMatchObject({
      data: [{ identifier: 'first' }, { identifier: 'later' }],
    });
    expect(asked).toBe(2);
  });

  it('moves on when a provider hangs or fails in dispose', async () => {
    const log: string[] = [];
    const logger = collectingLogger();
    const specs = [
      scriptedSpec({ api: 'inference', type: 'inline::scripted-llama', log }),
      scriptedSpec({
        api: 'safety',
        type: 'inline::hanging-safety',
        log,
        disposeGate: () => new Promise(() => {}),
      }),
      scriptedSpec({
        api: 'memory_banks',
        type: 'inline::failing-memory',
        log,
        disposeGate: async () => {
          throw new Error('disk gone');
        },
      }),
    ];
    const stack = await createStack(
      {
        name: 'stubborn',
        data_dir: dataDir,
        providers: {
          inference: [{ provider_id: 'llama', provider_type: 'inline::scripted-llama' }],
          safety: [{ provider_id: 'hang', provider_type: 'inline::hanging-safety' }],
          memory_banks: [{ provider_id: 'fail', provider_type: 'inline::failing-memory' }],
        },
      },
      { providers: specs, logger, routes: noRoutes, disposeTimeoutMs: 50 },
    );
    log.length = 0;
    await stack.dispose();
    expect(log).toEqual(['dispose:llama']);
    expect(logger.lines).toContain("error provider 'fail' failed to dispose: disk gone");
    expect(
      logger.lines.some((line) =>
        line.startsWith("warn provider 'hang' did not finish disposing within 50 ms"),
      ),
    ).toBe(true);
  });

  it('disposes what it created when a provider fails to start', async () => {
    const log: string[] = [];
    const specs = [
      scriptedSpec({ api: 'inference', type: 'inline::scripted-llama', log }),
      scriptedSpec({
        api: 'memory_banks',
        type: 'inline::broken-memory',
        log,
        onCreate: () => {
          throw new Error('cannot open /nowhere/lance');
        },
      }),
    ];
    const manifest: DistributionManifestInput = {
      name: 'half',
      data_dir: dataDir,
      providers: {
        inference: [{ provider_id: 'llama', provider_type: 'inline::scripted-llama' }],
        memory_banks: [{ provider_id: 'lance', provider_type: 'inline::broken-memory' }],
      },
    };
    const failure = createStack(manifest, { providers: specs, logger: silentLogger, routes: noRoutes });
    await expect(failure).rejects.toBeInstanceOf(ProviderStartError);
    await expect(failure).rejects.toThrow(
      "Provider 'lance' (inline::broken-memory) at providers.memory_banks[0] failed to start: cannot open /nowhere/lance",
    );
    expect(log).toEqual(['create:llama', 'dispose:llama']);
  });

  it('warns about route operations a provider lacks', async () => {
    const log: string[] = [];
    const logger = collectingLogger();
    const routes = [
      {
        api: 'inference',
        method: 'POST',
        path: '/inference/chat_completion',
        operation: 'chatCompletion',
        streamOperation: 'streamChatCompletion',
        summary: '',
        response: undefined,
      },
      {
        api: 'inference',
        method: 'POST',
        path: '/inference/x',
        operation: 'experimentalThing',
        summary: '',
        experimental: true,
        response: undefined,
      },
    ] as unknown as RouteDefinition[];
    await using _stack = await createStack(
      {
        name: 'gappy',
        data_dir: dataDir,
        providers: { inference: [{ provider_id: 'llama', provider_type: 'inline::gappy' }] },
      },
      {
        providers: [
          scriptedSpec({ api: 'inference', type: 'inline::gappy', log, without: ['streamChatCompletion'] }),
        ],
        logger,
        routes,
      },
    );
    expect(logger.lines).toContain(
      "warn provider 'llama' (inline::gappy) at providers.inference[0] does not implement streamChatCompletion; those routes will answer 501.",
    );
  });
});

describe('createStack with the real route tables', () => {
  it('lists the Inference operations a provider lacks (experimental ones aside)', async () => {
    const logger = collectingLogger();
    await using _stack = await createStack(
      {
        name: 'real-routes',
        data_dir: dataDir,
        providers: { inference: [{ provider_id: 'llama', provider_type: 'inline::partial' }] },
      },
      {
        providers: [
          scriptedSpec({ api: 'inference', type: 'inline::partial', log: [], without: ['embeddings'] }),
        ],
        logger,
      },
    );
    const warning = logger.lines.find((line) => line.startsWith("warn provider 'llama'"));
    expect(warning).toContain('does not implement streamCompletion, batchCompletion, batchChatCompletion;');
    expect(warning).not.toContain('embeddings');
  });
});

type LooseInference = Record<keyof Inference, (request: Record<string, unknown>) => unknown>;

/** The router as a JavaScript caller sees it: the scripted providers take loose requests. */
function looseInference(stack: ResolvedStack): LooseInference {
  return stack.apis.inference as unknown as LooseInference;
}

describe('the inference router', () => {
  it('picks the provider by model, for every operation', async () => {
    const { specs, manifest } = layeredSetup();
    await using stack = await createStack(manifest, {
      providers: specs,
      logger: silentLogger,
      routes: noRoutes,
    });
    const inference = looseInference(stack);
    expect(await inference.chatCompletion({ model: 'tiny', messages: [] })).toMatchObject({
      provider: 'fast',
      model: 'tiny',
    });
    expect(await inference.chatCompletion({ model: 'large', messages: [] })).toMatchObject({
      provider: 'big',
    });
    expect(await inference.completion({ model: 'large', content: 'x' })).toMatchObject({ provider: 'big' });
    expect(await inference.embeddings({ model: 'minilm', contents: ['x'] })).toMatchObject({
      provider: 'fast',
    });
    expect(await inference.tokenize?.({ model: 'large' })).toMatchObject({ provider: 'big', tokens: [1, 2] });
    const chunks: unknown[] = [];
    for await (const chunk of inference.streamChatCompletion({
      model: 'large',
      messages: [],
    }) as AsyncIterable<unknown>) {
      chunks.push(chunk);
    }
    expect(chunks).toEqual([
      { provider: 'big', model: 'large', delta: 'a' },
      { provider: 'big', model: 'large', delta: 'b' },
    ]);
  });

  it('answers an unknown model with a 404 that says how to register it, even with one provider', async () => {
    const log: string[] = [];
    await using stack = await createStack(
      {
        name: 'single',
        data_dir: dataDir,
        providers: { inference: [{ provider_id: 'llama', provider_type: 'inline::scripted-llama' }] },
        models: [{ model_id: 'tiny' }],
      },
      {
        providers: [scriptedSpec({ api: 'inference', type: 'inline::scripted-llama', log })],
        logger: silentLogger,
        routes: noRoutes,
      },
    );
    const inference = looseInference(stack);
    const rejection = await (inference.chatCompletion({ model: 'gpt-5' }) as Promise<unknown>).catch(
      (error: unknown) => error,
    );
    expect(StackError.isInstance(rejection)).toBe(true);
    expect(rejection).toMatchObject({ status: 404, code: 'not_found' });
    expect((rejection as Error).message).toBe(
      "Unknown model 'gpt-5'. Register it under `models:` in distribution.yaml.",
    );
    // A stream naming a model this process does not know fails at its first read, before any chunk
    // (the registered models file is checked first); the server reads it before it answers.
    const stream = inference.streamChatCompletion({ model: 'gpt-5' }) as AsyncIterable<unknown>;
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow(/Unknown model 'gpt-5'/);
    await expect(inference.chatCompletion({}) as Promise<unknown>).rejects.toMatchObject({
      status: 400,
      field: 'model',
    });
  });

  it('rejects a model of the wrong kind or of another API, and an operation the provider lacks', async () => {
    const { log, manifest } = layeredSetup();
    const specs = [
      scriptedSpec({ api: 'inference', type: 'inline::scripted-llama', log, without: ['completion'] }),
      scriptedSpec({
        api: 'memory_banks',
        type: 'inline::scripted-memory',
        log,
        dependencies: ['inference'],
      }),
      scriptedSpec({ api: 'safety', type: 'inline::scripted-safety', log }),
      scriptedSpec({
        api: 'agentic_system',
        type: 'inline::scripted-agents',
        log,
        dependencies: ['inference'],
      }),
    ];
    await using stack = await createStack(manifest, {
      providers: specs,
      logger: silentLogger,
      routes: noRoutes,
    });
    const inference = looseInference(stack);
    await expect(inference.chatCompletion({ model: 'minilm' }) as Promise<unknown>).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("model 'minilm' is an embedding model"),
    });
    await expect(inference.embeddings({ model: 'tiny' }) as Promise<unknown>).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      inference.chatCompletion({ model: 'guard-model' }) as Promise<unknown>,
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        "registered with provider 'guard', which does not serve the inference API",
      ),
    });
    await expect(inference.completion({ model: 'tiny' }) as Promise<unknown>).rejects.toMatchObject({
      status: 501,
      message: "Provider 'inline::scripted-llama' does not implement 'completion'.",
    });
    await stack.dispose();
    await expect(inference.chatCompletion({ model: 'tiny' }) as Promise<unknown>).rejects.toMatchObject({
      status: 503,
    });
  });

  it('routes models registered after start-up', async () => {
    const { specs, manifest } = layeredSetup();
    await using stack = await createStack(manifest, {
      providers: specs,
      logger: silentLogger,
      routes: noRoutes,
    });
    const inference = looseInference(stack);
    await stack.registerModel({ model_id: 'late', provider_id: 'big' });
    expect(await inference.chatCompletion({ model: 'late' })).toMatchObject({ provider: 'big' });
    await expect(stack.registerModel({ model_id: 'late', provider_id: 'fast' })).rejects.toMatchObject({
      status: 409,
    });
  });
});

describe('the reward scoring router', () => {
  const log: string[] = [];
  const manifest: DistributionManifestInput = {
    name: 'rewards',
    data_dir: dataDir,
    providers: {
      inference: [{ provider_id: 'llama', provider_type: 'inline::scripted-llama' }],
      reward_scoring: [
        { provider_id: 'judge', provider_type: 'inline::scripted-judge' },
        { provider_id: 'classifier', provider_type: 'inline::scripted-classifier' },
      ],
    },
    models: [
      { model_id: 'tiny', provider_id: 'llama' },
      { model_id: 'llm-judge', provider_id: 'judge', provider_model_id: 'tiny', model_type: 'reward' },
      { model_id: 'deberta', provider_id: 'classifier', model_type: 'reward' },
    ],
  };
  const specs = [
    scriptedSpec({ api: 'inference', type: 'inline::scripted-llama', log }),
    scriptedSpec({ api: 'reward_scoring', type: 'inline::scripted-judge', log, dependencies: ['inference'] }),
    scriptedSpec({ api: 'reward_scoring', type: 'inline::scripted-classifier', log }),
  ];
  type LooseRewardScoring = { score(request: Record<string, unknown>): Promise<unknown> };

  it("sends each call to the provider its reward model is registered with (the model's provider_id)", async () => {
    await using stack = await createStack(manifest, {
      providers: specs,
      logger: silentLogger,
      routes: noRoutes,
    });
    const rewards = stack.apis.reward_scoring as unknown as LooseRewardScoring;
    expect(await rewards.score({ model: 'llm-judge' })).toMatchObject({ provider: 'judge' });
    expect(await rewards.score({ model: 'deberta' })).toMatchObject({ provider: 'classifier' });
    await stack.registerModel({ model_id: 'late-judge', model_type: 'reward', provider_id: 'judge' });
    expect(await rewards.score({ model: 'late-judge' })).toMatchObject({ provider: 'judge' });
  });

  it('answers an unknown model 404 and a model of another type 400, each saying which', async () => {
    await using stack = await createStack(manifest, {
      providers: specs,
      logger: silentLogger,
      routes: noRoutes,
    });
    const rewards = stack.apis.reward_scoring as unknown as LooseRewardScoring;
    await expect(rewards.score({ model: 'nope' })).rejects.toMatchObject({
      status: 404,
      message: "Unknown model 'nope'. Register it under `models:` in distribution.yaml.",
    });
    await expect(rewards.score({ model: 'tiny' })).rejects.toMatchObject({
      status: 400,
      field: 'model',
      message: expect.stringContaining(
        "model 'tiny' is an llm model; reward scoring needs a model registered with model_type: reward",
      ),
    });
    const inference = looseInference(stack);
    await expect(inference.chatCompletion({ model: 'deberta' }) as Promise<unknown>).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        "model 'deberta' is a reward model; it answers /reward_scoring/score only",
      ),
    });
    expect(stack.models.list().map((model) => [model.identifier, model.model_type])).toEqual([
      ['tiny', 'llm'],
      ['llm-judge', 'reward'],
      ['deberta', 'reward'],
    ]);
  });
});
