import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/repo-paths.js';

// The layout DESIGN.md promises, checked on disk: core is a spec package with no runtime (it
// bundles for a browser), and providers build on core and provider-utils, never on the runtime.

const coreDir = join(repoRoot, 'packages/core');

function readPackageJson(dir: string): { name: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.test-d.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importedModules(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [
    ...source.matchAll(/\b(?:from|import)\s*\(?\s*'([^']+)'/g),
    ...source.matchAll(/\bimport\s*\(\s*'([^']+)'/g),
  ];
  return specifiers.map((match) => match[1] as string);
}

describe('@llama-stack-ts/core, the spec package', () => {
  it('depends on zod alone', () => {
    expect(readPackageJson(coreDir).dependencies).toEqual({ zod: expect.any(String) });
  });

  it('imports nothing from node: and no package but zod', () => {
    const offending = sourceFiles(join(coreDir, 'src')).flatMap((file) =>
      importedModules(file)
        .filter((specifier) => !specifier.startsWith('.') && specifier !== 'zod')
        .map((specifier) => `${relative(repoRoot, file)}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('bundles for a browser', async () => {
    const result = await build({
      entryPoints: [join(coreDir, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const packages = new Set(
      Object.keys(result.metafile.inputs)
        .filter((input) => input.includes('node_modules/'))
        .map((input) => input.split('node_modules/').at(-1)?.split('/')[0]),
    );
    expect([...packages]).toEqual(['zod']);
  });
});

describe('provider packages', () => {
  const providersDir = join(repoRoot, 'packages/providers');
  const providers = readdirSync(providersDir).map((name) => join(providersDir, name));

  it.each(providers.map((dir) => [relative(repoRoot, dir), dir]))(
    '%s depends on core and provider-utils, not on the runtime',
    (_name, dir) => {
      // The job engine included: a provider gets the distribution's queues as `context.jobs`.
      const runtimeDependencies = Object.keys(readPackageJson(dir).dependencies ?? {}).filter((name) =>
        [
          '@llama-stack-ts/stack',
          '@llama-stack-ts/server',
          '@llama-stack-ts/cli',
          '@llama-stack-ts/jobs',
        ].includes(name),
      );
      expect(runtimeDependencies).toEqual([]);
    },
  );
});

describe('@llama-stack-ts/jobs, the job engine', () => {
  it('depends on core, provider-utils, BullMQ and ioredis (and Bull Board on Hono for its dashboard), not on the runtime that uses it', () => {
    const dependencies = Object.keys(readPackageJson(join(repoRoot, 'packages/jobs')).dependencies ?? {});
    expect(dependencies.sort()).toEqual([
      '@bull-board/api',
      '@bull-board/hono',
      '@hono/node-server',
      '@llama-stack-ts/core',
      '@llama-stack-ts/provider-utils',
      'bullmq',
      'hono',
      'ioredis',
    ]);
  });
});

describe('@llama-stack-ts/openai-compat, the OpenAI wire format', () => {
  it('depends on core, provider-utils and zod alone: the server and the batch provider share it', () => {
    const dependencies = Object.keys(
      readPackageJson(join(repoRoot, 'packages/openai-compat')).dependencies ?? {},
    );
    expect(dependencies.sort()).toEqual(['@llama-stack-ts/core', '@llama-stack-ts/provider-utils', 'zod']);
  });
});
