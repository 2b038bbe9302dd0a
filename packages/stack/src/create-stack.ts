import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ApiName,
  type ApiProtocols,
  allRoutes,
  generatesText,
  isInferenceProvider,
  type Model,
  type ModelRegistrations,
  type ProviderContext,
  type ProviderInstance,
  type RewardScoring,
  type RouteDefinition,
} from '@llama-stack-ts/core';
import type { JobEngine, QueueWorkerInfo } from '@llama-stack-ts/jobs';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { createJobEngine } from './create-job-engine.js';
import { apiTokens, ManifestToken, ModelsToken, providerToken, StackToken } from './injection-tokens.js';
import {
  type DistributionManifest,
  type DistributionManifestInput,
  ModelEntry,
  type ModelEntryInput,
} from './manifest/manifest-schema.js';
import { ProviderModelDiscovery } from './models/provider-model-discovery.js';
import { RegisteredModelsFile } from './models/registered-models-file.js';
import { StackModelRegistrations } from './models/stack-model-registrations.js';
import { ProviderStartError } from './providers/provider-start-error.js';
import {
  type PlannedProvider,
  type ResolveStackOptions,
  resolveStack,
  type StackPlan,
} from './resolve-stack.js';
import { InferenceRouter, type RoutedInferenceProvider } from './routing/inference-router.js';
import { ModelRegistry } from './routing/model-registry.js';
import { RewardScoringRouter } from './routing/reward-scoring-router.js';
import type { ProviderHealth, Stack } from './stack.js';
import { createConsoleLogger, type StackLogger, scopeLogger } from './stack-logger.js';

/**
 * The file in the stack's data directory that keeps the models registered at run time
 * (`context.modelRegistrations`), for every process of the distribution and across restarts.
 */
export const registeredModelsFileName = 'registered-models.json';

export interface CreateStackOptions extends ResolveStackOptions {
  /** Where the stack and its providers log; default: stderr. `silentLogger` drops everything. */
  logger?: StackLogger;
  /** How long each provider may take in `dispose()`; default the manifest's `server.shutdown_timeout_ms`. */
  disposeTimeoutMs?: number;
  /** Parent of the stack's child container; default tsyringe's root container. */
  container?: DependencyContainer;
  /** Route tables checked against each provider's methods; default every API's. */
  routes?: readonly RouteDefinition[];
}

/** A provider the stack created, in creation order. */
export interface StackProvider {
  api: ApiName;
  providerId: string;
  providerType: string;
  /** The entry's YAML path: `providers.inference[0]`. */
  path: string;
  instance: ProviderInstance;
}

/** What `createStack` returns: the `Stack`, plus its container, providers and start-up registrations. */
export interface ResolvedStack extends Stack {
  readonly models: ModelRegistry;
  /** The stack's own tsyringe child container: API implementations under `apiTokens`. */
  readonly container: DependencyContainer;
  readonly providers: readonly StackProvider[];
  readonly plan: StackPlan;
  readonly dataDir: string;
  readonly disposed: boolean;
  /** The job queues (BullMQ on Redis), when the manifest has a `jobs:` section; providers get them as `context.jobs`. */
  readonly jobs: JobEngine | undefined;
  /**
   * Runs the workers of every job queue the providers declared, in this process: `llama-stack-ts
   * run` does so unless `--no-worker`, `llama-stack-ts worker` does only this. Throws when the
   * manifest has no `jobs:` section.
   */
  startWorkers(): QueueWorkerInfo[];
  /** Run-time registrations, persisted for every process of the distribution: providers get it as `context.modelRegistrations`. */
  readonly modelRegistrations: ModelRegistrations;
  /**
   * Registers a model after start-up, in this process only (as the manifest's `models:` do): the
   * provider's `registerModel` hook runs, then the registry has it. Providers register models that
   * every process serves and that outlive a restart with `context.modelRegistrations`.
   */
  registerModel(entry: ModelEntryInput): Promise<Model>;
}

/**
 * Builds a running stack from a manifest: validates all of it first (nothing starts when anything
 * is wrong; see `resolveStack`), then creates each provider after the APIs it depends on, in a child
 * container of its own, and puts a model router in front of inference. If a provider fails to
 * start, those already created are disposed before the error is thrown.
 *
 * ```ts
 * await using stack = await createStack(await loadManifest('distribution.yaml'), { providers: [mySpec] });
 * const reply = await stack.apis.inference?.chatCompletion({ model: 'tiny', messages: [...] });
 * ```
 */
export async function createStack(
  manifest: DistributionManifest | DistributionManifestInput,
  options: CreateStackOptions = {},
): Promise<ResolvedStack> {
  const plan = await resolveStack(manifest, options);
  const logger = options.logger ?? createConsoleLogger();
  for (const warning of plan.warnings) logger.warn(`deprecated provider: ${warning}`);
  const routes = options.routes ?? allRoutes;
  const container = (options.container ?? rootContainer).createChildContainer();
  const models = new ModelRegistry(plan.models);
  const created: StackProvider[] = [];
  const apis: Partial<Record<ApiName, unknown>> = {};
  const routers: ModelRouter[] = [];
  const disposeTimeoutMs = options.disposeTimeoutMs ?? plan.manifest.server.shutdown_timeout_ms;

  container.register(ManifestToken, { useValue: plan.manifest });
  container.register(ModelsToken, { useValue: models });
  await mkdir(plan.dataDir, { recursive: true });
  const registrations = new StackModelRegistrations({
    file: new RegisteredModelsFile(join(plan.dataDir, registeredModelsFileName)),
    models,
    providers: created,
    logger,
  });
  const discovery = new ProviderModelDiscovery({ models, providers: created });
  models.refreshWith(async () => {
    await registrations.refresh();
    await discovery.refresh();
  });
  const jobs = await createJobEngine(plan.manifest, logger);

  try {
    for (const api of plan.apiOrder) {
      const planned = plan.providers.filter((provider) => provider.api === api);
      for (const provider of planned) {
        const instance = await startProvider(provider, plan, container, models, registrations, logger, jobs);
        const started: StackProvider = {
          api,
          providerId: provider.entry.provider_id,
          providerType: provider.entry.provider_type,
          path: provider.path,
          instance,
        };
        created.push(started);
        container.register(providerToken(provider.entry.provider_id), { useValue: instance.implementation });
        await discovery.discover(started);
        warnMissingOperations(provider, instance, routes, logger);
      }
      let implementation: unknown;
      if (api === 'inference') {
        const router = new InferenceRouter(
          models,
          created.filter((provider) => provider.api === 'inference').map(toRoutedInferenceProvider),
        );
        routers.push(router);
        implementation = router;
      } else if (api === 'reward_scoring') {
        const router = new RewardScoringRouter(
          models,
          created
            .filter((provider) => provider.api === 'reward_scoring')
            .map((provider) => ({
              providerId: provider.providerId,
              implementation: provider.instance.implementation as RewardScoring,
            })),
        );
        routers.push(router);
        implementation = router;
      } else {
        implementation = created.find((provider) => provider.api === api)?.instance.implementation;
      }
      apis[api] = implementation;
      container.register(apiTokens[api], { useValue: implementation });
    }
    // After the manifest's models, so that one of them keeps its identifier.
    await registrations.refresh();
  } catch (error) {
    await disposeAll(created, disposeTimeoutMs, logger);
    await jobs?.dispose();
    throw error;
  }

  const stack = new StackInstance({
    plan,
    apis: apis as Partial<ApiProtocols>,
    models,
    modelRegistrations: registrations,
    container,
    providers: created,
    routers,
    jobs,
    logger,
    disposeTimeoutMs,
  });
  container.register(StackToken, { useValue: stack });
  logger.info(
    `stack '${plan.manifest.name}' ready: ${created.length} provider(s), ${plan.models.length} model(s), serving ${
      stack.servedApis().join(', ') || 'no API yet'
    }`,
  );
  return stack;
}

async function startProvider(
  provider: PlannedProvider,
  plan: StackPlan,
  container: DependencyContainer,
  registeredModels: ModelRegistry,
  modelRegistrations: ModelRegistrations,
  logger: StackLogger,
  jobs: JobEngine | undefined,
): Promise<ProviderInstance> {
  const { entry, spec } = provider;
  const deps: Partial<ApiProtocols> = {};
  for (const dependency of provider.dependencies) addDependency(deps, dependency, container);
  const context: ProviderContext = {
    providerId: entry.provider_id,
    dataDir: provider.dataDir,
    deps,
    models: provider.models,
    registeredModels,
    modelRegistrations,
    shields: provider.shields,
    memoryBanks: provider.memoryBanks,
    distributionName: plan.manifest.name,
    manifestDir: plan.baseDir,
    urlPolicy: plan.urlPolicy,
    logger: scopeLogger(logger, entry.provider_id),
    ...(jobs ? { jobs } : {}),
  };
  try {
    await mkdir(provider.dataDir, { recursive: true });
    const instance = await spec.create(provider.config, context);
    if (
      !instance ||
      typeof instance !== 'object' ||
      !('implementation' in instance) ||
      !instance.implementation
    ) {
      throw new Error(
        `create() of ${provider.source} returned no { implementation }; a ProviderSpec's create() resolves to a ProviderInstance.`,
      );
    }
    return instance;
  } catch (error) {
    throw new ProviderStartError({
      providerId: entry.provider_id,
      providerType: entry.provider_type,
      path: provider.path,
      cause: error,
    });
  }
}

/** The container holds each API's implementation (a router for inference) under its token. */
function addDependency<Api extends ApiName>(
  deps: Partial<ApiProtocols>,
  api: Api,
  container: DependencyContainer,
): void {
  deps[api] = container.resolve<ApiProtocols[Api]>(apiTokens[api]);
}

/** An inference provider's implementation generates text, computes embeddings, or both; anything else does not start. */
function toRoutedInferenceProvider(provider: StackProvider): RoutedInferenceProvider {
  const { implementation } = provider.instance;
  if (!isInferenceProvider(implementation)) {
    throw new ProviderStartError({
      providerId: provider.providerId,
      providerType: provider.providerType,
      path: provider.path,
      cause: new Error(
        'its implementation has no inference operation: an inference provider implements ' +
          'TextGenerationInference (completion, chatCompletion, ...), EmbeddingInference (embeddings), or both.',
      ),
    });
  }
  return { providerId: provider.providerId, providerType: provider.providerType, implementation };
}

/** Llama Stack checks each provider implements its API's routes; here a gap is a warning (those routes answer 501). */
function warnMissingOperations(
  provider: PlannedProvider,
  instance: ProviderInstance,
  routes: readonly RouteDefinition[],
  logger: StackLogger,
): void {
  // An embedding provider implements embeddings only; the text generation routes go to other providers.
  if (provider.api === 'inference' && !generatesText(instance.implementation)) return;
  const implementation = instance.implementation as Record<string, unknown>;
  const missing = new Set<string>();
  for (const route of routes) {
    if (route.api !== provider.api || route.experimental) continue;
    for (const operation of [route.operation, route.streamOperation]) {
      if (operation && typeof implementation[operation] !== 'function') missing.add(operation);
    }
  }
  if (missing.size > 0) {
    logger.warn(
      `provider '${provider.entry.provider_id}' (${provider.entry.provider_type}) at ${provider.path} does not implement ` +
        `${[...missing].join(', ')}; those routes will answer 501.`,
    );
  }
}

async function disposeAll(
  providers: readonly StackProvider[],
  timeoutMs: number,
  logger: StackLogger,
): Promise<void> {
  for (const provider of [...providers].reverse()) {
    if (!provider.instance.dispose) continue;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref();
    });
    try {
      const outcome = await Promise.race([provider.instance.dispose().then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') {
        logger.warn(
          `provider '${provider.providerId}' did not finish disposing within ${timeoutMs} ms; moving on ` +
            '(raise server.shutdown_timeout_ms to wait longer).',
        );
      }
    } catch (error) {
      logger.error(`provider '${provider.providerId}' failed to dispose: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A router in front of an API's providers (inference, reward scoring); closed first on dispose. */
interface ModelRouter {
  close(): void;
}

interface StackInstanceParts {
  plan: StackPlan;
  apis: Partial<ApiProtocols>;
  models: ModelRegistry;
  modelRegistrations: ModelRegistrations;
  container: DependencyContainer;
  providers: StackProvider[];
  routers: ModelRouter[];
  jobs: JobEngine | undefined;
  logger: StackLogger;
  disposeTimeoutMs: number;
}

class StackInstance implements ResolvedStack {
  readonly manifest: DistributionManifest;
  readonly apis: Partial<ApiProtocols>;
  readonly models: ModelRegistry;
  readonly modelRegistrations: ModelRegistrations;
  readonly container: DependencyContainer;
  readonly providers: readonly StackProvider[];
  readonly plan: StackPlan;
  readonly dataDir: string;
  readonly jobs: JobEngine | undefined;
  readonly #routers: readonly ModelRouter[];
  readonly #logger: StackLogger;
  readonly #disposeTimeoutMs: number;
  #disposing: Promise<void> | undefined;

  constructor(parts: StackInstanceParts) {
    this.plan = parts.plan;
    this.manifest = parts.plan.manifest;
    this.dataDir = parts.plan.dataDir;
    this.apis = parts.apis;
    this.models = parts.models;
    this.modelRegistrations = parts.modelRegistrations;
    this.container = parts.container;
    this.providers = parts.providers;
    this.#routers = parts.routers;
    this.jobs = parts.jobs;
    this.#logger = parts.logger;
    this.#disposeTimeoutMs = parts.disposeTimeoutMs;
  }

  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  servedApis(): ApiName[] {
    return this.plan.apiOrder.filter((api) => this.apis[api] !== undefined);
  }

  startWorkers(): QueueWorkerInfo[] {
    if (!this.jobs) {
      throw new Error(
        `Distribution '${this.manifest.name}' has no jobs: section, so it has no job queues to work on. ` +
          'Add `jobs:` (with redis_url) to its distribution.yaml.',
      );
    }
    return this.jobs.startWorkers();
  }

  async health(): Promise<ProviderHealth[]> {
    const providers = Promise.all(
      this.providers.map(async (provider): Promise<ProviderHealth> => {
        const base = { provider_id: provider.providerId, provider_type: provider.providerType };
        if (this.disposed) return { ...base, status: 'error', message: 'the stack is shutting down' };
        if (!provider.instance.health) return { ...base, status: 'ok' };
        try {
          const result = await provider.instance.health();
          return { ...base, ...result };
        } catch (error) {
          return { ...base, status: 'error', message: (error as Error).message };
        }
      }),
    );
    if (!this.jobs) return providers;
    const jobs: ProviderHealth = {
      provider_id: 'jobs',
      provider_type: 'bullmq',
      ...(this.disposed
        ? { status: 'error', message: 'the stack is shutting down' }
        : await this.jobs.health()),
    };
    return [...(await providers), jobs];
  }

  async registerModel(input: ModelEntryInput): Promise<Model> {
    const entry = ModelEntry.parse(input);
    const defaultApi = entry.model_type === 'reward' ? 'reward_scoring' : 'inference';
    const provider = entry.provider_id
      ? this.providers.find((candidate) => candidate.providerId === entry.provider_id)
      : this.providers.filter((candidate) => candidate.api === defaultApi).at(0);
    if (!provider) {
      throw new Error(
        `Cannot register model '${entry.model_id}': no provider '${entry.provider_id ?? `(${defaultApi})`}' in this stack.`,
      );
    }
    const model: Model = {
      identifier: entry.model_id,
      provider_id: provider.providerId,
      provider_resource_id: entry.provider_model_id ?? entry.model_id,
      model_type: entry.model_type,
      metadata: entry.metadata,
    };
    if (this.models.lookup(model.identifier)) this.models.add(model); // throws the ConflictError
    await provider.instance.registerModel?.(model);
    this.models.add(model);
    return model;
  }

  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      for (const router of this.#routers) router.close();
      // Running jobs still use the providers: drain the workers first, close Redis last.
      await this.jobs?.closeWorkers();
      await disposeAll(this.providers, this.#disposeTimeoutMs, this.#logger);
      await this.jobs?.dispose();
      this.container.reset();
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
