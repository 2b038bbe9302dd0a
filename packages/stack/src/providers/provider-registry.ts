import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ApiName, ProviderSpec } from '@llama-stack-ts/core';
import type { ManifestProblem } from '../manifest/manifest-error.js';
import { type BuiltinProvider, builtinProviders } from './builtin-providers.js';

export interface ProviderRegistryOptions {
  /** Specs handed over in-process: `createStack(manifest, { providers: [spec] })`. */
  specs?: readonly ProviderSpec[];
  /** Directory `module:` entries and provider packages resolve from (the manifest's). Default: cwd. */
  baseDir?: string;
  /** Our provider types and their packages; default `builtinProviders`. */
  builtins?: readonly BuiltinProvider[];
  /**
   * Prefer a package's `@llama-stack-ts/source` export (TypeScript sources) over its build. Default:
   * true when this file itself runs from source, i.e. under Vitest or a TypeScript loader.
   */
  preferSource?: boolean;
}

/** What a manifest entry asks for: the API it sits under, its type, and maybe a module. */
export interface ProviderRequest {
  api: ApiName;
  providerType: string;
  module?: string | undefined;
}

export type ProviderLookup =
  | { ok: true; spec: ProviderSpec; source: string }
  | { ok: false; problem: ManifestProblem };

const runningFromSource = import.meta.url.endsWith('.ts');

/**
 * Finds the `ProviderSpec` for a manifest entry: from the entry's `module` (an npm package or a
 * path), among specs given in-process, or in a package of this repository named by
 * `builtinProviders`. Packages resolve from the manifest's directory, so a distribution package's
 * own dependencies are found.
 */
export class ProviderRegistry {
  readonly #specs: readonly ProviderSpec[];
  readonly #baseDir: string;
  readonly #builtins: readonly BuiltinProvider[];
  readonly #preferSource: boolean;

  constructor(options: ProviderRegistryOptions = {}) {
    this.#specs = options.specs ?? [];
    this.#baseDir = resolve(options.baseDir ?? process.cwd());
    this.#builtins = options.builtins ?? builtinProviders;
    this.#preferSource = options.preferSource ?? runningFromSource;
  }

  /** Provider types a manifest may name under `api` without `module:` (all APIs when omitted). */
  knownTypes(api?: ApiName): string[] {
    const types = [
      ...this.#specs.filter((spec) => !api || spec.api === api).map((spec) => spec.providerType),
      ...this.#builtins.filter((entry) => !api || entry.api === api).map((entry) => entry.providerType),
    ];
    return [...new Set(types)].sort();
  }

  /** `path` is the entry's YAML path (`providers.inference[0]`), used in the problem reported. */
  async find(request: ProviderRequest, path: string): Promise<ProviderLookup> {
    const { api, providerType } = request;
    if (request.module) {
      return this.#fromModule(request.module, request, `${path}.module`, 'module');
    }
    const inProcess = this.#specs.find((spec) => spec.api === api && spec.providerType === providerType);
    if (inProcess) return { ok: true, spec: inProcess, source: 'in-process' };
    const builtin = this.#builtins.find((entry) => entry.api === api && entry.providerType === providerType);
    if (builtin) return this.#fromModule(builtin.packageName, request, `${path}.provider_type`, 'builtin');

    const known = this.knownTypes(api);
    const elsewhere = [...this.#specs, ...this.#builtins].find(
      (entry) => entry.providerType === providerType,
    );
    const wrongApi = elsewhere
      ? ` '${providerType}' is a provider of the '${elsewhere.api}' API, not '${api}'.`
      : '';
    return {
      ok: false,
      problem: {
        path: `${path}.provider_type`,
        message:
          `unknown provider_type '${providerType}' for the '${api}' API.${wrongApi} ` +
          `Known: ${known.length > 0 ? known.join(', ') : '(none)'}. ` +
          'A provider published outside this repository needs `module: <npm package or path>` beside provider_type.',
      },
    };
  }

  async #fromModule(
    specifier: string,
    request: ProviderRequest,
    path: string,
    kind: 'module' | 'builtin',
  ): Promise<ProviderLookup> {
    const fail = (message: string): ProviderLookup => ({ ok: false, problem: { path, message } });
    const file = resolveModuleFile(specifier, this.#baseDir, this.#preferSource);
    if (!file) {
      const install = kind === 'builtin' ? ` '${request.providerType}' is provided by ${specifier};` : '';
      return fail(
        `cannot find '${specifier}' from ${this.#baseDir}.${install} ` +
          (isPathSpecifier(specifier)
            ? 'check the path (it is relative to the manifest).'
            : `install it where the manifest lives (pnpm add ${specifier}).`),
      );
    }
    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      const hint = file.endsWith('.ts')
        ? ''
        : ` If it is a workspace package, build it first (pnpm --filter ${specifier} build).`;
      return fail(`cannot load '${specifier}' (${file}): ${(error as Error).message}.${hint}`);
    }
    const candidates = collectSpecs(namespace);
    const otherVersion = candidates.find(
      (spec) => spec.providerType === request.providerType && spec.specVersion !== 'v1',
    );
    if (otherVersion) {
      return fail(
        `'${specifier}' exports provider '${request.providerType}' with specVersion '${String(otherVersion.specVersion)}', ` +
          "which this @llama-stack-ts/core does not know (it reads 'v1'); use versions of the two packages made for each other.",
      );
    }
    const match = candidates.find(
      (spec) => spec.providerType === request.providerType && spec.api === request.api,
    );
    if (match) return { ok: true, spec: match, source: specifier };
    const sameType = candidates.find((spec) => spec.providerType === request.providerType);
    if (sameType) {
      return fail(
        `'${specifier}' provides '${request.providerType}' for the '${sameType.api}' API, not '${request.api}'.`,
      );
    }
    const exported = candidates.map((spec) => `${spec.api}/${spec.providerType}`);
    return fail(
      `'${specifier}' exports no ProviderSpec with providerType '${request.providerType}'` +
        (exported.length > 0
          ? ` (it exports ${exported.join(', ')}).`
          : ' (export one as `default` or `providerSpec`).'),
    );
  }
}

/** Whether `value` has the shape of a ProviderSpec (any version). */
export function isProviderSpec(value: unknown): value is ProviderSpec {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.providerType === 'string' &&
    typeof candidate.api === 'string' &&
    typeof candidate.create === 'function'
  );
}

function collectSpecs(namespace: Record<string, unknown>): ProviderSpec[] {
  const found = new Set<ProviderSpec>();
  const consider = (value: unknown) => {
    if (isProviderSpec(value)) found.add(value);
    else if (Array.isArray(value)) for (const item of value) if (isProviderSpec(item)) found.add(item);
  };
  consider(namespace.default);
  consider(namespace.providerSpec);
  consider(namespace.providerSpecs);
  for (const value of Object.values(namespace)) consider(value);
  return [...found];
}

function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:');
}

/**
 * The file a module specifier names, resolved from `baseDir` the way Node would, choosing the
 * `@llama-stack-ts/source` export first when `preferSource` and its file exists. Undefined when
 * nothing is found.
 */
export function resolveModuleFile(
  specifier: string,
  baseDir: string,
  preferSource: boolean,
): string | undefined {
  if (isPathSpecifier(specifier)) {
    const file = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(baseDir, specifier);
    return existsSync(file) ? file : undefined;
  }
  const { name, subpath } = splitPackageSpecifier(specifier);
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    if (existsSync(join(packageDir, 'package.json'))) {
      const entry = resolvePackageEntry(packageDir, subpath, preferSource);
      if (entry) return entry;
    }
    if (dirname(dir) === dir) break;
  }
  try {
    // Anything the walk above misses (NODE_PATH, exotic layouts): Node's own CommonJS resolution.
    return createRequire(join(resolve(baseDir), 'noop.js')).resolve(specifier);
  } catch {
    return undefined;
  }
}

function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const length = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(length).join('/');
  return { name: parts.slice(0, length).join('/'), subpath: rest ? `./${rest}` : '.' };
}

function resolvePackageEntry(packageDir: string, subpath: string, preferSource: boolean): string | undefined {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const conditionSets = preferSource
    ? [
        ['@llama-stack-ts/source', 'import', 'node', 'default'],
        ['import', 'node', 'default'],
      ]
    : [['import', 'node', 'default']];
  if (manifest.exports !== undefined) {
    for (const conditions of conditionSets) {
      const target = exportsTarget(manifest.exports, subpath, conditions);
      if (target) {
        const file = resolve(packageDir, target);
        if (existsSync(file)) return file;
      }
    }
    return undefined;
  }
  if (subpath !== '.') {
    const file = resolve(packageDir, subpath);
    return existsSync(file) ? file : undefined;
  }
  for (const candidate of [manifest.module, manifest.main, 'index.js']) {
    if (typeof candidate !== 'string') continue;
    const file = resolve(packageDir, candidate);
    if (existsSync(file)) return file;
  }
  return undefined;
}

function exportsTarget(exports: unknown, subpath: string, conditions: readonly string[]): string | undefined {
  let target = exports;
  if (typeof exports === 'object' && exports !== null && !Array.isArray(exports)) {
    const keys = Object.keys(exports);
    if (keys.some((key) => key.startsWith('.'))) target = (exports as Record<string, unknown>)[subpath];
    else if (subpath !== '.') return undefined;
  } else if (subpath !== '.') {
    return undefined;
  }
  return pickCondition(target, conditions);
}

function pickCondition(target: unknown, conditions: readonly string[]): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickCondition(item, conditions);
      if (picked) return picked;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [key, value] of Object.entries(target)) {
      if (!conditions.includes(key)) continue;
      const picked = pickCondition(value, conditions);
      if (picked) return picked;
    }
  }
  return undefined;
}
