// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages spell ${env.NAME} literally.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { apiNames, type ProviderSpec } from '@llama-stack-ts/core';
import {
  builtinProviders,
  isProviderSpec,
  loadManifest,
  ManifestError,
  ProviderType,
  parseManifest,
  resolveStack,
} from '@llama-stack-ts/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/repo-paths.js';

// Llama Stack's registry test (tests/unit/providers/test_configs.py), over this repository: every
// provider package found under packages/providers/* and every distributions/*/distribution.yaml.
// Both lists are read from disk, so a new provider or distribution is covered the day it lands.

interface ProviderPackage {
  dir: string;
  name: string;
  /** The `@llama-stack-ts/source` export of ".": the TypeScript entry the tests import. */
  sourceEntry: string | undefined;
}

function readProviderPackages(): ProviderPackage[] {
  const root = join(repoRoot, 'packages/providers');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(root, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name: string;
        exports?: Record<string, Record<string, string> | string>;
      };
      const dot = manifest.exports?.['.'];
      const source = typeof dot === 'object' ? dot['@llama-stack-ts/source'] : undefined;
      return { dir, name: manifest.name, sourceEntry: source ? join(dir, source) : undefined };
    })
    .sort((left, right) => left.name.localeCompare(right.name));
}

function readDistributionManifests(): string[] {
  const root = join(repoRoot, 'distributions');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, entry.name, 'distribution.yaml'))
    .filter((path) => existsSync(path))
    .sort();
}

/** Every ProviderSpec a module exports (as `default`, `providerSpec`, or any other name). */
function specsOf(namespace: Record<string, unknown>): ProviderSpec[] {
  const found = new Set<ProviderSpec>();
  for (const value of Object.values(namespace)) {
    if (isProviderSpec(value)) found.add(value);
    else if (Array.isArray(value)) for (const item of value) if (isProviderSpec(item)) found.add(item);
  }
  return [...found];
}

/**
 * A value for a `${env.NAME}` the sample config requires (no default), shaped after its name, so
 * the sample can be checked as a user who sets the variable would run it.
 */
function placeholderFor(name: string): string {
  if (/URL|ENDPOINT|BASE/i.test(name)) return 'http://127.0.0.1:9';
  if (/PORT/i.test(name)) return '9';
  if (/KEY|TOKEN|SECRET|PASSWORD/i.test(name)) return 'test-secret';
  return 'placeholder';
}

function requiredVariables(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const match of value.matchAll(/\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g)) found.add(match[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) requiredVariables(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) requiredVariables(item, found);
  }
  return found;
}

/** Whether a zod schema or one it wraps (optional, default, nullable, pipe...) carries a description. */
function isDescribed(schema: unknown): boolean {
  for (let current = schema, depth = 0; current && depth < 10; depth++) {
    if ((current as { description?: string }).description) return true;
    const def = (current as { _zod?: { def?: { innerType?: unknown; in?: unknown } } })._zod?.def;
    current = def?.innerType ?? def?.in;
  }
  return false;
}

/** The fields of an object config schema (through wrappers), or undefined for another shape. */
function objectShape(schema: unknown): Record<string, unknown> | undefined {
  for (let current = schema, depth = 0; current && depth < 10; depth++) {
    const shape = (current as { shape?: unknown }).shape;
    if (typeof shape === 'object' && shape !== null) return shape as Record<string, unknown>;
    const def = (current as { _zod?: { def?: { innerType?: unknown; in?: unknown } } })._zod?.def;
    current = def?.innerType ?? def?.in;
  }
  return undefined;
}

const providerPackages = readProviderPackages();
const distributionManifests = readDistributionManifests();
const loaded = new Map<string, ProviderSpec[]>();

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lsts-registry-'));
  for (const pkg of providerPackages) {
    if (!pkg.sourceEntry) continue;
    try {
      loaded.set(pkg.name, specsOf(await import(pathToFileURL(pkg.sourceEntry).href)));
    } catch (error) {
      // Reported by the package's own test below, with the reason.
      loaded.set(pkg.name, []);
      importErrors.set(pkg.name, error as Error);
    }
  }
});
const importErrors = new Map<string, Error>();

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('provider packages (packages/providers/*)', () => {
  it('finds some', () => {
    expect(providerPackages.length).toBeGreaterThan(0);
  });

  for (const pkg of providerPackages)
    describe(pkg.name, () => {
      it('exports a ProviderSpec from its entry', () => {
        expect(
          pkg.sourceEntry,
          `${pkg.name}: package.json exports["."] has no @llama-stack-ts/source entry`,
        ).toBeDefined();
        expect(importErrors.get(pkg.name)?.message, `${pkg.name} failed to import`).toBeUndefined();
        expect(
          loaded.get(pkg.name)?.length,
          `${pkg.name} exports no ProviderSpec (export one as \`default\` or \`providerSpec\`)`,
        ).toBeGreaterThan(0);
      });

      it('declares a well-formed spec: v1, a known API, an inline::/remote:: type, a description', () => {
        for (const spec of loaded.get(pkg.name) ?? []) {
          expect(spec.specVersion).toBe('v1');
          expect(apiNames).toContain(spec.api);
          expect(ProviderType.safeParse(spec.providerType).success, spec.providerType).toBe(true);
          expect(spec.description.trim().length, `${spec.providerType} needs a description`).toBeGreaterThan(
            10,
          );
        }
      });

      it('depends only on known APIs, never on its own', () => {
        for (const spec of loaded.get(pkg.name) ?? []) {
          const dependencies = [...(spec.apiDependencies ?? []), ...(spec.optionalApiDependencies ?? [])];
          for (const dependency of dependencies) expect(apiNames).toContain(dependency);
          expect(dependencies, `${spec.providerType} depends on its own API`).not.toContain(spec.api);
        }
      });

      it('describes every config field (the docs and `list-providers` show them)', () => {
        for (const spec of loaded.get(pkg.name) ?? []) {
          const shape = objectShape(spec.configSchema);
          if (!shape) continue;
          const undescribed = Object.entries(shape)
            .filter(([, field]) => !isDescribed(field))
            .map(([name]) => name);
          expect(undescribed, `${spec.providerType}: config fields without .describe()`).toEqual([]);
        }
      });

      it('has a sampleConfig() that parses against its configSchema, after ${env.…} substitution', async () => {
        for (const spec of loaded.get(pkg.name) ?? []) {
          const sample = spec.sampleConfig(join(dataDir, 'sample'));
          expect(typeof sample).toBe('object');
          const env: Record<string, string> = { LLAMA_STACK_TS_HOME: dataDir };
          for (const name of requiredVariables(sample)) env[name] = placeholderFor(name);
          // The sample goes through the manifest loader and the resolver exactly as a distribution.yaml
          // using it would: substitution, number/boolean conversion, then the provider's configSchema.
          const manifest = parseManifest(
            {
              name: 'registry-check',
              providers: {
                [spec.api]: [{ provider_id: 'sample', provider_type: spec.providerType, config: sample }],
              },
            },
            { env, baseDir: dataDir },
          );
          const problems = await resolveStack(manifest, { providers: [spec], env, baseDir: dataDir }).then(
            () => [],
            (error: unknown) => {
              if (!ManifestError.isInstance(error)) throw error;
              return error.problems;
            },
          );
          // Missing API dependencies are reported at `.provider_type`: this manifest serves one API only.
          const configProblems = problems.filter((problem) => problem.path.includes('.config'));
          expect(configProblems, `${spec.providerType}: sampleConfig() does not parse`).toEqual([]);
        }
      });

      it('is listed in builtinProviders under its own package name (so `provider_type:` finds it)', () => {
        for (const spec of loaded.get(pkg.name) ?? []) {
          const entry = builtinProviders.find(
            (candidate) => candidate.api === spec.api && candidate.providerType === spec.providerType,
          );
          expect(
            entry?.packageName,
            `add { api: '${spec.api}', providerType: '${spec.providerType}', packageName: '${pkg.name}' } ` +
              'to packages/core/src/providers/builtin-providers.ts',
          ).toBe(pkg.name);
        }
      });
    });

  it('never uses one provider type twice for the same API', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const [name, specs] of loaded) {
      for (const spec of specs) {
        const key = `${spec.api} ${spec.providerType}`;
        const previous = seen.get(key);
        if (previous) duplicates.push(`${key}: ${previous} and ${name}`);
        else seen.set(key, name);
      }
    }
    expect(duplicates).toEqual([]);
    const builtinKeys = builtinProviders.map((entry) => `${entry.api} ${entry.providerType}`);
    expect(builtinKeys.filter((key, index) => builtinKeys.indexOf(key) !== index)).toEqual([]);
  });

  it('finds a package under packages/providers for every entry of builtinProviders', () => {
    const present = new Set(providerPackages.map((pkg) => pkg.name));
    const missing = builtinProviders
      .filter((entry) => !present.has(entry.packageName))
      .map((entry) => `${entry.packageName} (${entry.api} ${entry.providerType})`);
    expect(missing).toEqual([]);
  });
});

describe('distributions (distributions/*/distribution.yaml)', () => {
  it('finds some', () => {
    expect(distributionManifests.length).toBeGreaterThan(0);
  });

  it.each(distributionManifests)('%s validates with its defaults', async (path) => {
    // An empty environment: each ${env.NAME:=default} takes its default, optional providers stay off.
    const env = { LLAMA_STACK_TS_HOME: dataDir };
    const manifest = await loadManifest(path, { env });
    const plan = await resolveStack(manifest, { env });
    expect(plan.manifest.name).toBe(path.split('/').at(-2));
    expect(plan.dataDir.startsWith(dataDir)).toBe(true);
    expect(plan.warnings).toEqual([]);
  });
});
