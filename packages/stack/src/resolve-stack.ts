import { join } from 'node:path';
import { type ApiName, apiNames, type Model, type ProviderSpec, type UrlPolicy } from '@llama-stack-ts/core';
import { resolveDataDir } from './manifest/data-dir.js';
import { parseManifest } from './manifest/load-manifest.js';
import { formatYamlPath, ManifestError, type ManifestProblem } from './manifest/manifest-error.js';
import { getManifestOrigin, toOriginalPath } from './manifest/manifest-origin.js';
import type {
  DistributionManifest,
  DistributionManifestInput,
  MemoryBankEntry,
  ProviderEntry,
  ShieldEntry,
} from './manifest/manifest-schema.js';
import { resolveUrlPolicy } from './manifest/resolve-url-policy.js';
import type { Environment } from './manifest/substitute-env.js';
import { issuesToProblems, safeParseWithConvertedText } from './manifest/zod-issues.js';
import type { BuiltinProvider } from './providers/builtin-providers.js';
import { ProviderRegistry } from './providers/provider-registry.js';

/**
 * The APIs whose calls name a model: several providers may serve one, and the stack's router sends
 * each call to the provider its model is registered with (`provider_id`).
 */
export const modelRoutedApis: readonly ApiName[] = ['inference', 'reward_scoring'];

export interface ResolveStackOptions {
  /** Provider specs handed over in-process; found by `provider_type` before any package is imported. */
  providers?: readonly ProviderSpec[];
  /** Directory `module:` entries, provider packages and `data_dir` resolve from. Default: the manifest's, else cwd. */
  baseDir?: string;
  /** Reads `LLAMA_STACK_TS_HOME` (and `${env.…}` for a manifest not yet loaded); default `process.env`. */
  env?: Environment;
  /** Our provider types and packages; default `builtinProviders`. */
  builtins?: readonly BuiltinProvider[];
  /** See `ProviderRegistryOptions.preferSource`. */
  preferSource?: boolean;
}

/** One provider of the plan: what to create, with what, after what. */
export interface PlannedProvider {
  api: ApiName;
  /** The entry's YAML path as written: `providers.inference[0]`. */
  path: string;
  entry: ProviderEntry;
  spec: ProviderSpec;
  /** Where the spec came from: `in-process`, a package name, or a path. */
  source: string;
  /** The entry's config parsed by the provider's `configSchema` (defaults filled in). */
  config: unknown;
  /** APIs whose implementation the provider receives: its required ones and the optional ones served. */
  dependencies: ApiName[];
  models: Model[];
  shields: ShieldEntry[];
  memoryBanks: MemoryBankEntry[];
  /** `<data dir>/<provider_id>`. */
  dataDir: string;
}

/** A manifest checked end to end, with providers in the order they must be created. */
export interface StackPlan {
  manifest: DistributionManifest;
  /** The manifest file, when it came from one. */
  source: string | undefined;
  baseDir: string;
  dataDir: string;
  /** The manifest's `url_fetch:`, resolved: what every provider may fetch for a user. */
  urlPolicy: UrlPolicy;
  /** APIs served, dependencies first. */
  apiOrder: ApiName[];
  /** Providers in creation order: the APIs they depend on come first. */
  providers: PlannedProvider[];
  models: Model[];
  shields: ShieldEntry[];
  memoryBanks: MemoryBankEntry[];
  /** Deprecation notices of the providers used, each naming its entry. */
  warnings: string[];
}

/**
 * Validates a whole manifest before anything starts: every provider found and its config valid,
 * every model, shield and bank assigned to a provider that exists, every API dependency served, no
 * dependency cycle. Throws one `ManifestError` listing every problem with its YAML path; otherwise
 * returns the plan `createStack` follows.
 */
export async function resolveStack(
  manifestInput: DistributionManifest | DistributionManifestInput,
  options: ResolveStackOptions = {},
): Promise<StackPlan> {
  const manifest = getManifestOrigin(manifestInput)
    ? (manifestInput as DistributionManifest)
    : parseManifest(manifestInput, { env: options.env, baseDir: options.baseDir });
  const origin = getManifestOrigin(manifest);
  const baseDir = options.baseDir ?? origin?.baseDir ?? process.cwd();
  const source = origin?.path;
  const yamlPath = (...path: PropertyKey[]) => formatYamlPath(toOriginalPath(path, origin?.indexMaps));
  const dataDir = resolveDataDir(manifest, { baseDir, env: options.env });
  const problems: ManifestProblem[] = [];
  const warnings: string[] = [];

  const registry = new ProviderRegistry({
    specs: options.providers,
    baseDir,
    builtins: options.builtins,
    preferSource: options.preferSource,
  });

  // Every entry, in manifest order.
  const entries = Object.entries(manifest.providers).flatMap(([api, list]) =>
    (list ?? []).map((entry, index) => ({
      api: api as ApiName,
      index,
      entry,
      path: yamlPath('providers', api, index),
    })),
  );

  if (manifest.apis) {
    for (const [api, list] of Object.entries(manifest.providers)) {
      if ((list ?? []).length > 0 && !manifest.apis.includes(api as ApiName)) {
        problems.push({
          path: yamlPath('providers', api),
          message: `'apis' does not list '${api}': add it to apis, or remove these providers.`,
        });
      }
    }
  }

  const firstPathOfId = new Map<string, string>();
  for (const { entry, path } of entries) {
    const previous = firstPathOfId.get(entry.provider_id);
    if (previous) {
      problems.push({
        path: `${path}.provider_id`,
        message: `provider_id '${entry.provider_id}' is already used by ${previous}; give each provider its own id.`,
      });
    } else {
      firstPathOfId.set(entry.provider_id, path);
    }
  }

  for (const api of apiNames) {
    const count = manifest.providers[api]?.length ?? 0;
    if (count > 1 && !modelRoutedApis.includes(api)) {
      problems.push({
        path: yamlPath('providers', api),
        message:
          `${count} providers serve '${api}'; one may serve it today (only ${modelRoutedApis.join(' and ')} route ` +
          'between several, by model). Keep one.',
      });
    }
  }

  // Find every spec at once: imports run in parallel.
  const lookups = await Promise.all(
    entries.map(({ api, entry, path }) =>
      registry.find({ api, providerType: entry.provider_type, module: entry.module }, path),
    ),
  );

  const planned: Omit<PlannedProvider, 'models' | 'shields' | 'memoryBanks'>[] = [];
  entries.forEach(({ api, index, entry, path }, position) => {
    const lookup = lookups[position]!;
    if (!lookup.ok) {
      problems.push(lookup.problem);
      return;
    }
    const { spec } = lookup;
    if (spec.deprecationWarning)
      warnings.push(`${path} (${entry.provider_type}): ${spec.deprecationWarning}`);
    const configPath = ['providers', api, index, 'config'];
    const toOriginal = (path: readonly PropertyKey[]) => toOriginalPath(path, origin?.indexMaps);
    const parsed = safeParseWithConvertedText(
      spec.configSchema,
      entry.config,
      origin?.converted,
      (issuePath) => formatYamlPath(toOriginal([...configPath, ...issuePath])),
    );
    if (!parsed.success) {
      problems.push(
        ...issuesToProblems(spec.configSchema, parsed.error.issues, { prefix: configPath, toOriginal }),
      );
      return;
    }
    const served = (dependency: ApiName) => (manifest.providers[dependency]?.length ?? 0) > 0;
    for (const dependency of spec.apiDependencies ?? []) {
      if (served(dependency)) continue;
      problems.push({
        path: `${path}.provider_type`,
        message:
          `'${entry.provider_type}' needs the '${dependency}' API, but no provider serves it: ` +
          `add one under providers.${dependency} (known types: ${registry.knownTypes(dependency).join(', ') || 'none'}).`,
      });
    }
    planned.push({
      api,
      path,
      entry,
      spec,
      source: lookup.source,
      config: parsed.data,
      dependencies: [
        ...new Set([...(spec.apiDependencies ?? []), ...(spec.optionalApiDependencies ?? []).filter(served)]),
      ],
      dataDir: join(dataDir, entry.provider_id),
    });
  });

  const providerApi = new Map(entries.map(({ api, entry }) => [entry.provider_id, api]));
  const idsOf = (api: ApiName) => (manifest.providers[api] ?? []).map((entry) => entry.provider_id);

  /** The provider a model, shield or bank names, or the only one serving `api` when it names none. */
  const assign = (
    providerId: string | undefined,
    api: ApiName | undefined,
    path: string,
    what: string,
  ): string | undefined => {
    if (providerId) {
      const servedApi = providerApi.get(providerId);
      if (!servedApi) {
        const known = [...providerApi.keys()];
        problems.push({
          path: `${path}.provider_id`,
          message: `no provider has provider_id '${providerId}'. Providers: ${known.length > 0 ? known.join(', ') : '(none)'}.`,
        });
        return undefined;
      }
      if (api && servedApi !== api) {
        problems.push({
          path: `${path}.provider_id`,
          message: `provider '${providerId}' serves '${servedApi}'; a ${what} needs a '${api}' provider (${idsOf(api).join(', ') || 'none configured'}).`,
        });
        return undefined;
      }
      return providerId;
    }
    const wanted = api ?? 'inference';
    const candidates = idsOf(wanted);
    if (candidates.length === 1) return candidates[0];
    problems.push({
      path: `${path}.provider_id`,
      message:
        candidates.length === 0
          ? `required: no '${wanted}' provider is configured to serve this ${what}; add one under providers.${wanted}.`
          : `required: ${candidates.length} '${wanted}' providers are configured (${candidates.join(', ')}); name the one serving this ${what}.`,
    });
    return undefined;
  };

  const models: Model[] = [];
  const seenModels = new Map<string, string>();
  manifest.models.forEach((entry, index) => {
    const path = yamlPath('models', index);
    const previous = seenModels.get(entry.model_id);
    if (previous) {
      problems.push({
        path: `${path}.model_id`,
        message: `model_id '${entry.model_id}' is already registered by ${previous}.`,
      });
      return;
    }
    seenModels.set(entry.model_id, path);
    const reward = entry.model_type === 'reward';
    const providerId = assign(
      entry.provider_id,
      reward ? 'reward_scoring' : undefined,
      path,
      reward ? 'reward model' : 'model',
    );
    if (!providerId) return;
    if (!reward && providerApi.get(providerId) === 'reward_scoring') {
      problems.push({
        path: `${path}.model_type`,
        message: `model '${entry.model_id}' is registered with reward_scoring provider '${providerId}', so it must be model_type: reward (it is ${entry.model_type}).`,
      });
      return;
    }
    models.push({
      identifier: entry.model_id,
      provider_id: providerId,
      provider_resource_id: entry.provider_model_id ?? entry.model_id,
      model_type: entry.model_type,
      metadata: entry.metadata,
    });
  });

  const shields: ShieldEntry[] = [];
  manifest.shields.forEach((entry, index) => {
    const providerId = assign(entry.provider_id, 'safety', yamlPath('shields', index), 'shield');
    if (providerId) shields.push({ ...entry, provider_id: providerId });
  });
  const memoryBanks: MemoryBankEntry[] = [];
  manifest.memory_banks.forEach((entry, index) => {
    const providerId = assign(
      entry.provider_id,
      'memory_banks',
      yamlPath('memory_banks', index),
      'memory bank',
    );
    if (providerId) memoryBanks.push({ ...entry, provider_id: providerId });
  });

  const { order, cycles } = orderApis(planned);
  for (const cycle of cycles) {
    const steps = cycle.slice(0, -1).map((api, step) => {
      const provider = planned.find(
        (candidate) => candidate.api === api && candidate.dependencies.includes(cycle[step + 1]!),
      );
      return `${provider?.path ?? `providers.${api}`} (${provider?.entry.provider_type ?? api}) needs ${cycle[step + 1]}`;
    });
    const first = planned.find((candidate) => candidate.api === cycle[0]);
    problems.push({
      path: first?.path ?? `providers.${cycle[0]}`,
      message: `API dependency cycle ${cycle.join(' -> ')}: ${steps.join('; ')}. Break it by changing one of these providers.`,
    });
  }

  if (problems.length > 0) throw new ManifestError(problems, source);

  const providers = order.flatMap((api) =>
    planned
      .filter((provider) => provider.api === api)
      .map((provider) => ({
        ...provider,
        models: models.filter((model) => model.provider_id === provider.entry.provider_id),
        shields: shields.filter((shield) => shield.provider_id === provider.entry.provider_id),
        memoryBanks: memoryBanks.filter((bank) => bank.provider_id === provider.entry.provider_id),
      })),
  );
  return {
    manifest,
    source,
    baseDir,
    dataDir,
    urlPolicy: resolveUrlPolicy(manifest, { baseDir, dataDir }),
    apiOrder: order,
    providers,
    models,
    shields,
    memoryBanks,
    warnings,
  };
}

/**
 * APIs ordered so each comes after those its providers depend on (depth-first, in `apiNames`
 * order so the result is stable), and every cycle found, each as `[a, b, a]`.
 */
export function orderApis(providers: readonly { api: ApiName; dependencies: readonly ApiName[] }[]): {
  order: ApiName[];
  cycles: ApiName[][];
} {
  const edges = new Map<ApiName, Set<ApiName>>();
  for (const provider of providers) {
    const set = edges.get(provider.api) ?? new Set<ApiName>();
    for (const dependency of provider.dependencies) set.add(dependency);
    edges.set(provider.api, set);
  }
  const order: ApiName[] = [];
  const cycles: ApiName[][] = [];
  const state = new Map<ApiName, 'visiting' | 'done'>();
  const stack: ApiName[] = [];
  const visit = (api: ApiName) => {
    const current = state.get(api);
    if (current === 'done') return;
    if (current === 'visiting') {
      cycles.push([...stack.slice(stack.indexOf(api)), api]);
      return;
    }
    state.set(api, 'visiting');
    stack.push(api);
    for (const dependency of [...(edges.get(api) ?? [])].sort(byApiOrder)) {
      if (edges.has(dependency)) visit(dependency);
    }
    stack.pop();
    state.set(api, 'done');
    order.push(api);
  };
  for (const api of [...edges.keys()].sort(byApiOrder)) visit(api);
  return { order, cycles };
}

function byApiOrder(left: ApiName, right: ApiName): number {
  return apiNames.indexOf(left) - apiNames.indexOf(right);
}
