import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scriptedSpec } from '../test/scripted-provider-specs.js';
import { resolveDataDir } from './manifest/data-dir.js';
import { parseManifest } from './manifest/load-manifest.js';
import { ManifestError } from './manifest/manifest-error.js';
import { orderApis, resolveStack } from './resolve-stack.js';

async function rejection(promise: Promise<unknown>): Promise<ManifestError> {
  try {
    await promise;
  } catch (error) {
    if (ManifestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

const log: string[] = [];
const llama = scriptedSpec({
  api: 'inference',
  type: 'inline::scripted-llama',
  log,
  configSchema: z
    .object({
      model_path: z.string().describe('GGUF file to load.'),
      threads: z.number().int().positive().default(1).describe('CPU threads; default 1.'),
    })
    .strict(),
});
const memory = scriptedSpec({
  api: 'memory_banks',
  type: 'inline::scripted-memory',
  log,
  dependencies: ['inference'],
});
const safety = scriptedSpec({
  api: 'safety',
  type: 'inline::scripted-safety',
  log,
  optionalDependencies: ['inference'],
});
const agents = scriptedSpec({
  api: 'agentic_system',
  type: 'inline::scripted-agents',
  log,
  dependencies: ['inference', 'memory_banks'],
  optionalDependencies: ['safety'],
});
// A memory provider that needs agents, which need memory: a cycle.
const loopyMemory = scriptedSpec({
  api: 'memory_banks',
  type: 'inline::loopy-memory',
  log,
  dependencies: ['agentic_system'],
});
const specs = [llama, memory, safety, agents, loopyMemory];

describe('resolveStack', () => {
  it('orders providers so each comes after the APIs it depends on', async () => {
    const plan = await resolveStack(
      {
        name: 'ordered',
        data_dir: '/tmp/lsts-ordered',
        providers: {
          agentic_system: [{ provider_id: 'agents', provider_type: 'inline::scripted-agents' }],
          safety: [{ provider_id: 'guard', provider_type: 'inline::scripted-safety' }],
          memory_banks: [{ provider_id: 'memory', provider_type: 'inline::scripted-memory' }],
          inference: [
            {
              provider_id: 'llama',
              provider_type: 'inline::scripted-llama',
              config: { model_path: 'x.gguf' },
            },
          ],
        },
        models: [{ model_id: 'tiny' }],
      },
      { providers: specs },
    );
    expect(plan.providers.map((provider) => provider.entry.provider_id)).toEqual([
      'llama',
      'guard',
      'memory',
      'agents',
    ]);
    expect(plan.apiOrder).toEqual(['inference', 'safety', 'memory_banks', 'agentic_system']);
    expect(plan.providers.find((provider) => provider.api === 'agentic_system')?.dependencies).toEqual([
      'inference',
      'memory_banks',
      'safety',
    ]);
    // Config parsed by the provider's schema (defaults filled); the model defaults to the one inference provider.
    expect(plan.providers[0]?.config).toEqual({ model_path: 'x.gguf', threads: 1 });
    expect(plan.models).toEqual([
      {
        identifier: 'tiny',
        provider_id: 'llama',
        provider_resource_id: 'tiny',
        model_type: 'llm',
        metadata: {},
      },
    ]);
    expect(plan.providers[0]?.dataDir).toBe(join('/tmp/lsts-ordered', 'llama'));
  });

  it('reports every problem with its YAML path, and starts nothing', async () => {
    log.length = 0;
    const manifest = parseManifest(
      `
name: broken
providers:
  inference:
    - provider_id: llama
      provider_type: inline::scripted-llama
      config:
        threads: \${env.THREADS:=0}
        thread: 2
  memory_banks:
    - provider_id: memory
      provider_type: inline::loopy-memory
  agentic_system:
    - provider_id: agents
      provider_type: inline::scripted-agents
  safety:
    - provider_id: guard
      provider_type: inline::nonexistent
  post_training:
    - provider_id: trainer
      provider_type: inline::scripted-agents
      module: ./no-such-provider.js
models:
  - model_id: tiny
    provider_id: lama
shields:
  - shield_id: llama_guard
    provider_id: llama
`,
      { env: {} },
    );
    const error = await rejection(resolveStack(manifest, { providers: specs }));
    const byPath = new Map(error.problems.map((problem) => [problem.path, problem.message]));
    expect([...byPath.keys()].sort()).toEqual([
      'models[0].provider_id',
      'providers.agentic_system[0]',
      'providers.inference[0].config.model_path',
      'providers.inference[0].config.thread',
      'providers.inference[0].config.threads',
      'providers.post_training[0].module',
      'providers.safety[0].provider_type',
      'shields[0].provider_id',
    ]);
    expect(byPath.get('providers.inference[0].config.model_path')).toMatch(/^required/);
    expect(byPath.get('providers.inference[0].config.thread')).toMatch(
      /unknown key 'thread'.*Allowed here: model_path, threads/,
    );
    expect(byPath.get('providers.safety[0].provider_type')).toMatch(
      /unknown provider_type 'inline::nonexistent' for the 'safety' API\. Known: .*inline::scripted-safety/,
    );
    expect(byPath.get('providers.agentic_system[0]')).toMatch(
      /API dependency cycle agentic_system -> memory_banks -> agentic_system: providers.agentic_system\[0\] \(inline::scripted-agents\) needs memory_banks; providers.memory_banks\[0\] \(inline::loopy-memory\) needs agentic_system/,
    );
    expect(byPath.get('providers.post_training[0].module')).toMatch(/cannot find '\.\/no-such-provider\.js'/);
    expect(byPath.get('models[0].provider_id')).toMatch(
      /no provider has provider_id 'lama'. Providers: llama, memory/,
    );
    expect(byPath.get('shields[0].provider_id')).toBe(
      "provider 'llama' serves 'inference'; a shield needs a 'safety' provider (guard).",
    );
    expect(error.message).toContain('providers.inference[0].config.model_path: required');
    expect(log).toEqual([]);
  });

  it('reports a missing API dependency with the API to add', async () => {
    const error = await rejection(
      resolveStack(
        {
          name: 'lonely',
          providers: { memory_banks: [{ provider_id: 'memory', provider_type: 'inline::scripted-memory' }] },
        },
        { providers: specs },
      ),
    );
    expect(error.problems).toEqual([
      {
        path: 'providers.memory_banks[0].provider_type',
        message: expect.stringMatching(
          /'inline::scripted-memory' needs the 'inference' API, but no provider serves it: add one under providers\.inference \(known types: .*inline::llama-cpp/,
        ),
      },
    ]);
  });

  it('rejects duplicate provider ids, two providers of a non-inference API, and a model with no provider to default to', async () => {
    const error = await rejection(
      resolveStack(
        {
          name: 'dupes',
          providers: {
            inference: [
              { provider_id: 'a', provider_type: 'inline::scripted-llama', config: { model_path: 'x' } },
              { provider_id: 'b', provider_type: 'inline::scripted-llama', config: { model_path: 'y' } },
            ],
            safety: [
              { provider_id: 'a', provider_type: 'inline::scripted-safety' },
              { provider_id: 'c', provider_type: 'inline::scripted-safety' },
            ],
          },
          models: [{ model_id: 'm' }],
        },
        { providers: specs },
      ),
    );
    expect(error.problems.map((problem) => problem.path).sort()).toEqual([
      'models[0].provider_id',
      'providers.safety',
      'providers.safety[0].provider_id',
    ]);
    expect(error.problems.find((problem) => problem.path === 'models[0].provider_id')?.message).toMatch(
      /2 'inference' providers are configured \(a, b\)/,
    );
  });

  it('puts a reward model on a reward_scoring provider, and only reward models there', async () => {
    const judge = scriptedSpec({ api: 'reward_scoring', type: 'inline::scripted-judge', log });
    const error = await rejection(
      resolveStack(
        {
          name: 'rewards',
          providers: {
            inference: [
              { provider_id: 'llama', provider_type: 'inline::scripted-llama', config: { model_path: 'x' } },
            ],
            reward_scoring: [
              { provider_id: 'judge', provider_type: 'inline::scripted-judge' },
              { provider_id: 'judge-2', provider_type: 'inline::scripted-judge' },
            ],
          },
          models: [
            { model_id: 'tiny', provider_id: 'llama' },
            { model_id: 'on-llama', provider_id: 'llama', model_type: 'reward' },
            { model_id: 'llm-on-judge', provider_id: 'judge', provider_model_id: 'tiny' },
            { model_id: 'which-judge', model_type: 'reward' },
            { model_id: 'fine', provider_id: 'judge-2', provider_model_id: 'tiny', model_type: 'reward' },
          ],
        },
        { providers: [llama, judge] },
      ),
    );
    expect(error.problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      "models[1].provider_id: provider 'llama' serves 'inference'; a reward model needs a 'reward_scoring' provider (judge, judge-2).",
      "models[2].model_type: model 'llm-on-judge' is registered with reward_scoring provider 'judge', so it must be model_type: reward (it is llm).",
      "models[3].provider_id: required: 2 'reward_scoring' providers are configured (judge, judge-2); name the one serving this reward model.",
    ]);
  });

  it('reports a provider type known to another API', async () => {
    const error = await rejection(
      resolveStack({
        name: 'x',
        providers: { safety: [{ provider_id: 'l', provider_type: 'inline::llama-cpp' }] },
      }),
    );
    expect(error.problems[0]?.message).toMatch(
      /'inline::llama-cpp' is a provider of the 'inference' API, not 'safety'/,
    );
  });

  it('loads a provider from a package installed beside the manifest, by its module', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lsts-module-'));
    try {
      const packageDir = join(dir, 'node_modules', '@acme', 'provider-echo');
      await mkdir(join(packageDir, 'dist'), { recursive: true });
      await writeFile(
        join(packageDir, 'package.json'),
        JSON.stringify({
          name: '@acme/provider-echo',
          type: 'module',
          exports: { '.': { import: './dist/index.js' } },
        }),
      );
      await writeFile(
        join(packageDir, 'dist', 'index.js'),
        `export const providerSpec = {
  specVersion: 'v1', api: 'inference', providerType: 'remote::echo', description: 'echo',
  configSchema: { safeParse: (value) => ({ success: true, data: value }) },
  sampleConfig: () => ({}),
  async create() { return { implementation: { async chatCompletion(request) { return { echo: request.model }; } } }; },
};\n`,
      );
      const manifest = parseManifest(
        'name: echo\nproviders:\n  inference:\n    - provider_id: echo\n      provider_type: remote::echo\n      module: "@acme/provider-echo"\n',
        { baseDir: dir },
      );
      const plan = await resolveStack(manifest);
      expect(plan.providers[0]?.source).toBe('@acme/provider-echo');
      expect(plan.providers[0]?.spec.providerType).toBe('remote::echo');

      const wrongType = parseManifest(
        'name: echo\nproviders:\n  inference:\n    - provider_id: echo\n      provider_type: remote::other\n      module: "@acme/provider-echo"\n',
        { baseDir: dir },
      );
      const error = await rejection(resolveStack(wrongType));
      expect(error.problems[0]).toEqual({
        path: 'providers.inference[0].module',
        message: expect.stringContaining(
          "exports no ProviderSpec with providerType 'remote::other' (it exports inference/remote::echo)",
        ),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('orderApis', () => {
  it('finds every cycle', () => {
    const { cycles } = orderApis([
      { api: 'inference', dependencies: ['safety'] },
      { api: 'safety', dependencies: ['inference'] },
    ]);
    expect(cycles).toEqual([['inference', 'safety', 'inference']]);
  });
});

describe('resolveDataDir', () => {
  it('uses data_dir, else $LLAMA_STACK_TS_HOME/<name>, else ~/.llama-stack-ts/<name>', () => {
    expect(resolveDataDir({ name: 'd', data_dir: 'state' }, { baseDir: '/srv/dist', env: {} })).toBe(
      '/srv/dist/state',
    );
    expect(resolveDataDir({ name: 'd' }, { env: { LLAMA_STACK_TS_HOME: '/var/lsts' } })).toBe('/var/lsts/d');
    expect(resolveDataDir({ name: 'd' }, { env: {} })).toBe(join(homedir(), '.llama-stack-ts', 'd'));
  });
});

describe('manifest problems read well', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lsts-msg-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the file in the message', async () => {
    const error = await rejection(
      resolveStack(
        parseManifest(
          'name: x\nproviders:\n  safety:\n    - {provider_id: s, provider_type: inline::zzz}\n',
          { origin: join(dir, 'distribution.yaml') },
        ),
      ),
    );
    expect(error.message.split('\n')[0]).toBe(
      `Distribution manifest ${join(dir, 'distribution.yaml')} has a problem:`,
    );
  });
});
