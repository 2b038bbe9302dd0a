import type { z } from 'zod';
import type { ApiName, ApiProtocols } from '../apis/api-registry.js';
import type { MemoryBankRegistration } from '../apis/memory-banks/memory-bank-registration.js';
import type { Models } from '../apis/models/models-protocol.js';
import type { Model } from '../apis/models/models-schemas.js';
import type { ShieldRegistration } from '../apis/safety/shield-registration.js';
import type { Jobs } from '../jobs/jobs.js';
import type { UrlPolicy } from './url-policy.js';

/** What a provider's factory receives beside its parsed config. */
export interface ProviderContext {
  /** The manifest's `provider_id` of this provider instance. */
  providerId: string;
  /** Directory where this provider keeps its state: `<data dir>/<provider_id>`. Exists before `create()` runs. */
  dataDir: string;
  /** Implementations of the APIs listed in `apiDependencies` (and available optional ones), by API. */
  deps: Partial<ApiProtocols>;
  /** Models the manifest registers with this provider. */
  models: readonly Model[];
  /**
   * Every model the distribution registers, whichever provider serves it: to check a model a
   * request names before work is queued for it (batch inference answers an unknown one 404 at once).
   */
  registeredModels?: Models;
  /** A logger scoped to the provider. */
  logger: ProviderLogger;
  /** Shields the manifest registers with this provider (safety providers). */
  shields?: readonly ShieldRegistration[];
  /** Memory banks the manifest registers with this provider (memory_banks providers). */
  memoryBanks?: readonly MemoryBankRegistration[];
  /** The distribution's `name`. */
  distributionName?: string;
  /**
   * Directory of the manifest file (else the resolver's `baseDir`): relative paths in a provider's
   * config or a model's `provider_model_id` resolve against it, not the process's working directory.
   * Set by the resolver; a provider created by hand may leave it out and fall back to the cwd.
   */
  manifestDir?: string;
  /** The distribution's job queues; absent when its manifest has no `jobs:` section. */
  jobs?: Jobs;
  /** Which URLs a provider may fetch for a user; pass it to provider-utils' `openUserUrl`. */
  urlPolicy?: UrlPolicy;
  /** Registers models while the stack runs (post-training serves the model it trained). */
  modelRegistrations?: ModelRegistrations;
}

/**
 * Models registered at run time, kept in the distribution's data directory: the model's provider
 * serves it at once in this process, every other process of the distribution finds it when a
 * request names it or lists models, and it is registered again after a restart.
 */
export interface ModelRegistrations {
  /**
   * Registers `model` with the provider its `provider_id` names and persists it. An identifier in
   * use throws `ConflictError`; registering the same model again (equal fields) returns it, so a
   * retried job can register its result twice.
   */
  register(model: Model): Promise<Model>;
}

export interface ProviderLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** A model a provider found on its own, as `ProviderInstance.discoverModels` lists it. */
export interface DiscoveredModel {
  /** The id clients send as `model`. */
  identifier: string;
  /** The id the provider's backend knows it by. */
  provider_resource_id: string;
  model_type: Model['model_type'];
}

/**
 * A running provider: the implementation of its API's protocol, plus optional lifecycle hooks.
 * `dispose()` releases everything it holds (models, connections, workers) and is idempotent.
 */
export interface ProviderInstance<Implementation = unknown> {
  implementation: Implementation;
  /** Called when a model is registered for this provider after start-up. */
  registerModel?(model: Model): Promise<void>;
  /** Called when a shield is registered for this provider after start-up (start-up ones: `context.shields`). */
  registerShield?(shield: ShieldRegistration): Promise<void>;
  /** Called when a memory bank is registered after start-up (start-up ones: `context.memoryBanks`). */
  registerMemoryBank?(bank: MemoryBankRegistration): Promise<void>;
  /**
   * Lists the models the provider finds on its own (a remote provider: its upstream's), serving
   * them from then on; an upstream that cannot be reached lists none. The stack registers each
   * under this provider after `create()`, unless that id is registered already, and asks again when
   * a request names a model this process does not know or models are listed (at most every few
   * seconds), so a model the upstream gained, or an upstream that was down at start-up, is found
   * without a restart.
   */
  discoverModels?(): Promise<readonly DiscoveredModel[]>;
  /** A throw reports the provider degraded, with the error's message: probe and let it throw. */
  health?(): Promise<{ status: 'ok' | 'error'; message?: string }>;
  dispose?(): Promise<void>;
}

/**
 * Everything the stack needs to know about a provider, as plain data plus one factory. A package
 * that exports a `ProviderSpec` (as `default` or `providerSpec`) is a provider, whether it lives in
 * this repository or not.
 */
export interface ProviderSpec<Config = unknown, Implementation = unknown> {
  specVersion: 'v1';
  api: ApiName;
  /** `inline::<name>` for in-process providers, `remote::<name>` for adapters to a remote service. */
  providerType: `inline::${string}` | `remote::${string}`;
  description: string;
  /** Every field `.describe()`d with its default. */
  configSchema: z.ZodType<Config>;
  /** A config written with `${env.NAME:=default}` placeholders, for `distribution.yaml` templates. */
  sampleConfig(dataDir: string): Record<string, unknown>;
  apiDependencies?: readonly ApiName[];
  optionalApiDependencies?: readonly ApiName[];
  /** Shown as a warning when a manifest uses this provider. */
  deprecationWarning?: string;
  create(config: Config, context: ProviderContext): Promise<ProviderInstance<Implementation>>;
}

/** Lets a provider package declare its spec with the config type inferred from the schema. */
export function defineProviderSpec<Config, Implementation>(
  spec: ProviderSpec<Config, Implementation>,
): ProviderSpec<Config, Implementation> {
  return spec;
}
