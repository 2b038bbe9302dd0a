import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddingInference, Model, ProviderInstance, ProviderSpec } from '@llama-stack-ts/core';
import { RecordingLogger } from './recording-logger.js';

export interface StartedEmbeddingProvider<Implementation> {
  instance: ProviderInstance<Implementation>;
  inference: Implementation;
  logger: RecordingLogger;
}

export interface EmbeddingProviderTestKit<Implementation> {
  embeddingModel(identifier: string, providerResourceId: string, metadata?: Record<string, unknown>): Model;
  startProvider(
    models: Model[],
    config?: Record<string, unknown>,
  ): Promise<StartedEmbeddingProvider<Implementation>>;
}

/**
 * What an embedding provider's tests build on: `embeddingModel` (a registry entry for `providerId`)
 * and `startProvider` (the spec started as a distribution would, with a fresh data folder and a
 * RecordingLogger).
 */
export function embeddingProviderTestKit<Implementation, Config = unknown>(
  spec: ProviderSpec<Config, EmbeddingInference>,
  providerId: string,
): EmbeddingProviderTestKit<Implementation> {
  return {
    embeddingModel(
      identifier: string,
      providerResourceId: string,
      metadata: Record<string, unknown> = {},
    ): Model {
      return {
        identifier,
        provider_id: providerId,
        provider_resource_id: providerResourceId,
        model_type: 'embedding',
        metadata,
      };
    },

    async startProvider(
      models: Model[],
      config: Record<string, unknown> = {},
    ): Promise<StartedEmbeddingProvider<Implementation>> {
      const logger = new RecordingLogger();
      const instance = (await spec.create(spec.configSchema.parse(config), {
        providerId,
        dataDir: mkdtempSync(join(tmpdir(), `${providerId}-data-`)),
        deps: {},
        models,
        logger,
      })) as ProviderInstance<unknown> as ProviderInstance<Implementation>;
      return { instance, inference: instance.implementation, logger };
    },
  };
}
