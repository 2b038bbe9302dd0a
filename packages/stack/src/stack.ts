import type { ApiName, ApiProtocols, Models } from '@llama-stack-ts/core';
import type { DistributionManifest } from './manifest/manifest-schema.js';

export interface ProviderHealth {
  provider_id: string;
  provider_type: string;
  status: 'ok' | 'error';
  message?: string;
}

/**
 * A resolved distribution: one implementation per API it serves (a router where several
 * providers share an API), the model registry, and the lifetime of them all.
 */
export interface Stack {
  readonly manifest: DistributionManifest;
  /** Implementations by API; an API the distribution does not serve is absent. */
  readonly apis: Partial<ApiProtocols>;
  readonly models: Models;
  servedApis(): ApiName[];
  health(): Promise<ProviderHealth[]>;
  /**
   * Drains the job workers (when the manifest has `jobs:`), disposes every provider in reverse
   * creation order, then closes the job queues' Redis connections. Idempotent.
   */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
