import {
  DisposedError,
  generatesText,
  InvalidRequestError,
  isInferenceProvider,
  NotFoundError,
} from '@llama-stack-ts/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddingOnlyInference, LoadedEmbeddingModel } from '../models/embedding-only-inference.js';
import type { HubModelConfig } from '../models/hub-model-config.js';
import type { EmbeddingProviderTestKit, StartedEmbeddingProvider } from './embedding-provider-test-kit.js';
import { describeWithModels } from './test-models.js';

export interface EmbeddingProviderContractOptions {
  /** `inline::model2vec`: names the suite. */
  providerType: string;
  /** A local model folder the provider loads. */
  modelFolder: string;
  /** The files of that folder the suite needs (see `describeWithModels`). */
  modelFiles: readonly string[];
  /** The vector length of that model. */
  dimension: number;
}

/**
 * The behaviour every `EmbeddingOnlyInference` provider owes, checked on a real model: the
 * embedding dimension, abort, no text generation operation, unknown and llm models refused, dispose.
 */
export function describeEmbeddingProviderContract<
  Implementation extends EmbeddingOnlyInference<LoadedEmbeddingModel, HubModelConfig>,
>(
  { embeddingModel, startProvider }: EmbeddingProviderTestKit<Implementation>,
  { providerType, modelFolder, modelFiles, dimension }: EmbeddingProviderContractOptions,
): void {
  describeWithModels(`${providerType} as an embedding-only inference provider`, modelFiles, () => {
    const folder = modelFolder;
    const model = embeddingModel('contract', folder);
    let started: StartedEmbeddingProvider<Implementation>;

    beforeAll(async () => {
      started = await startProvider([model]);
    });
    afterAll(async () => {
      await started?.instance.dispose?.();
    });

    it('reports the embedding dimension in the model metadata at start-up and on request', async () => {
      expect(model.metadata.embedding_dimension).toBe(dimension);
      expect(await started.inference.embeddingDimension({ model: 'contract' })).toBe(dimension);
    });

    it('stops at an aborted signal', async () => {
      const controller = new AbortController();
      controller.abort(new Error('client went away'));
      await expect(
        started.inference.embeddings({ model: 'contract', contents: ['a'] }, { signal: controller.signal }),
      ).rejects.toThrow('client went away');
    });

    it('implements embeddings only: text generation goes to other providers', () => {
      expect(generatesText(started.inference)).toBe(false);
      expect(isInferenceProvider(started.inference)).toBe(true);
    });

    it('answers NotFoundError for a model it does not serve', async () => {
      const unknown = started.inference.embeddings({ model: 'nope', contents: ['a'] });
      await expect(unknown).rejects.toBeInstanceOf(NotFoundError);
      await expect(unknown).rejects.toThrow(/Unknown model 'nope'/);
    });

    it('refuses a model registered as an llm', async () => {
      const start = startProvider([{ ...embeddingModel('chat', folder), model_type: 'llm' }]);
      await expect(start).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(start).rejects.toThrow(/serves embedding models only; set model_type: embedding/);
    });

    it('refuses calls once disposed, and disposes twice without error', async () => {
      const { instance, inference } = await startProvider([embeddingModel('m', folder)]);
      await instance.dispose?.();
      await instance.dispose?.();
      await expect(inference.embeddings({ model: 'm', contents: ['a'] })).rejects.toBeInstanceOf(
        DisposedError,
      );
    });
  });
}
