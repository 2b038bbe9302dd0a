import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inference, Model, ProviderContext, RouteDefinition } from '@llama-stack-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptedSpec } from '../../test/scripted-provider-specs.js';
import { createStack, registeredModelsFileName } from '../create-stack.js';
import type { DistributionManifestInput } from '../manifest/manifest-schema.js';
import { type StackLogger, silentLogger } from '../stack-logger.js';

const noRoutes: readonly RouteDefinition[] = [];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function freshDataDir(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'lsts-registrations-'));
  folders.push(folder);
  return folder;
}

function manifest(dataDir: string, inferenceIds: string[] = ['llama', 'other']): DistributionManifestInput {
  return {
    name: 'registrations',
    data_dir: dataDir,
    providers: {
      inference: inferenceIds.map((id) => ({ provider_id: id, provider_type: 'inline::scripted-llama' })),
      reward_scoring: [{ provider_id: 'judge', provider_type: 'inline::scripted-judge' }],
    },
    models: [{ model_id: 'base', provider_id: 'llama' }],
  };
}

function start(dataDir: string, options: { inferenceIds?: string[]; logger?: StackLogger } = {}) {
  const contexts = new Map<string, ProviderContext>();
  const log: string[] = [];
  return createStack(manifest(dataDir, options.inferenceIds), {
    providers: [
      scriptedSpec({ api: 'inference', type: 'inline::scripted-llama', log, contexts }),
      scriptedSpec({ api: 'reward_scoring', type: 'inline::scripted-judge', log, contexts }),
    ],
    logger: options.logger ?? silentLogger,
    routes: noRoutes,
  }).then((stack) => Object.assign(stack, { contexts }));
}

const tuned: Model = {
  identifier: 'job-1234',
  provider_id: 'other',
  provider_resource_id: '/models/base.gguf',
  model_type: 'llm',
  metadata: { base_model: 'base', job_uuid: 'job-1234', lora_adapters: [{ path: '/a.gguf', scale: 1 }] },
};

/** The loose view of the router: the scripted providers answer with their provider id. */
function inferenceOf(stack: { apis: { inference?: Inference } }): Inference {
  if (!stack.apis.inference) throw new Error('inference not served');
  return stack.apis.inference;
}

describe('model registrations at run time', () => {
  it('go through context.modelRegistrations to the provider, the registry and the data directory', async () => {
    const dataDir = await freshDataDir();
    await using stack = await start(dataDir);
    const registrations = stack.contexts.get('llama')?.modelRegistrations;
    if (!registrations) throw new Error('no modelRegistrations in the provider context');
    expect(stack.contexts.get('judge')?.modelRegistrations).toBe(registrations);

    expect(await registrations.register(tuned)).toEqual(tuned);
    expect(stack.models.lookup('job-1234')).toEqual(tuned);
    await expect(
      inferenceOf(stack).chatCompletion({ model: 'job-1234', messages: [] } as never),
    ).resolves.toMatchObject({ provider: 'other', model: 'job-1234' });
    const file = JSON.parse(await readFile(join(dataDir, registeredModelsFileName), 'utf8'));
    expect(file).toEqual({ version: 1, models: [tuned] });
  });

  it('return the model registered before for the same fields, and answer 409 for other fields', async () => {
    await using stack = await start(await freshDataDir());
    await stack.modelRegistrations.register(tuned);
    expect(await stack.modelRegistrations.register(structuredClone(tuned))).toEqual(tuned);
    await expect(
      stack.modelRegistrations.register({ ...tuned, provider_resource_id: '/models/merged.gguf' }),
    ).rejects.toMatchObject({ status: 409, field: 'identifier', message: expect.stringMatching(/job-1234/) });
    // A manifest model keeps its identifier.
    await expect(stack.modelRegistrations.register({ ...tuned, identifier: 'base' })).rejects.toMatchObject({
      status: 409,
    });
    expect(stack.models.list().map((model) => model.identifier)).toEqual(['base', 'job-1234']);
  });

  it('answer 400 for a provider the distribution lacks or one of another API', async () => {
    await using stack = await start(await freshDataDir());
    await expect(stack.modelRegistrations.register({ ...tuned, provider_id: 'gone' })).rejects.toMatchObject({
      status: 400,
      field: 'provider_id',
      message: expect.stringMatching(/no provider 'gone'.*'llama', 'other'/),
    });
    await expect(stack.modelRegistrations.register({ ...tuned, provider_id: 'judge' })).rejects.toMatchObject(
      {
        status: 400,
        message: expect.stringMatching(
          /provider 'judge' serves reward_scoring; a llm model needs a inference provider/,
        ),
      },
    );
    const reward = { ...tuned, identifier: 'judge-1', provider_id: 'judge', model_type: 'reward' as const };
    expect(await stack.modelRegistrations.register(reward)).toEqual(reward);
  });

  it('survive a restart on the same data directory', async () => {
    const dataDir = await freshDataDir();
    {
      await using first = await start(dataDir);
      await first.modelRegistrations.register(tuned);
    }
    await using second = await start(dataDir);
    expect(second.models.lookup('job-1234')).toEqual(tuned);
    expect(second.models.list().map((model) => model.identifier)).toEqual(['base', 'job-1234']);
  });

  it('reach other processes on the data directory when a request names the model or models are listed', async () => {
    const dataDir = await freshDataDir();
    await using registering = await start(dataDir);
    await using asked = await start(dataDir);
    await using listing = await start(dataDir);
    await using streaming = await start(dataDir);
    await registering.modelRegistrations.register(tuned);

    expect(asked.models.lookup('job-1234')).toBeUndefined();
    await expect(
      inferenceOf(asked).chatCompletion({ model: 'job-1234', messages: [] } as never),
    ).resolves.toMatchObject({ provider: 'other', model: 'job-1234' });
    expect((await listing.models.listModels()).data.map((model) => model.identifier)).toEqual([
      'base',
      'job-1234',
    ]);
    const chunks: unknown[] = [];
    for await (const chunk of inferenceOf(streaming).streamChatCompletion({
      model: 'job-1234',
      messages: [],
    } as never))
      chunks.push(chunk);
    expect(chunks).toEqual([
      { provider: 'other', model: 'job-1234', delta: 'a' },
      { provider: 'other', model: 'job-1234', delta: 'b' },
    ]);
    // Registering it in another process again finds the same model: idempotent across processes.
    expect(await asked.modelRegistrations.register(tuned)).toEqual(tuned);
  });

  it('skip (and log) a persisted model whose provider is gone, and start anyway', async () => {
    const dataDir = await freshDataDir();
    {
      await using first = await start(dataDir);
      await first.modelRegistrations.register(tuned);
    }
    const lines: string[] = [];
    const logger: StackLogger = {
      info: () => {},
      warn: (message) => lines.push(message),
      error: (message) => lines.push(message),
    };
    await using stack = await start(dataDir, { inferenceIds: ['llama'], logger });
    expect(stack.models.lookup('job-1234')).toBeUndefined();
    expect(lines).toEqual([
      expect.stringMatching(
        /model 'job-1234' registered in .*registered-models\.json is not served here: .*no provider 'other'/,
      ),
    ]);
    await expect(stack.models.getModel({ identifier: 'job-1234' })).rejects.toMatchObject({ status: 404 });
    expect(lines).toHaveLength(1);
  });
});
