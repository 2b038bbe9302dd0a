import { Model } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { InvalidModelSettingsError, UnsupportedModelSourceError } from './errors/index.js';
import { LlamaCppConfig } from './llama-cpp-config.js';
import { resolveLlamaCppModel } from './resolve-llama-cpp-model.js';

const model = (input: Partial<Model> & { provider_resource_id: string }) =>
  Model.parse({ identifier: 'm', provider_id: 'llama-cpp', model_type: 'llm', ...input });

describe('resolveLlamaCppModel', () => {
  it('resolves a relative path against model_dir and keeps an absolute one', () => {
    const config = LlamaCppConfig.parse({ model_dir: '/models' });
    expect(resolveLlamaCppModel(model({ provider_resource_id: 'a/b.gguf' }), config).path).toBe(
      '/models/a/b.gguf',
    );
    expect(resolveLlamaCppModel(model({ provider_resource_id: '/abs/c.gguf' }), config).path).toBe(
      '/abs/c.gguf',
    );
  });

  it('applies metadata overrides over the provider defaults and ignores other metadata', () => {
    const config = LlamaCppConfig.parse({ context_size: 2048, threads: 2 });
    const resolved = resolveLlamaCppModel(
      model({
        provider_resource_id: '/x.gguf',
        metadata: { context_size: 512, gpu: 'cpu', llama_model: 'x' },
      }),
      config,
    );
    expect(resolved.settings).toMatchObject({
      context_size: 512,
      threads: 2,
      gpu: 'cpu',
      parallel_sequences: 4,
    });
    expect(resolved.kind).toBe('llm');
  });

  it('marks embedding models', () => {
    const resolved = resolveLlamaCppModel(
      model({ provider_resource_id: '/e.gguf', model_type: 'embedding' }),
      LlamaCppConfig.parse({}),
    );
    expect(resolved.kind).toBe('embedding');
  });

  it('names the model and field of a bad override', () => {
    const call = () =>
      resolveLlamaCppModel(
        model({ identifier: 'tiny', provider_resource_id: '/x.gguf', metadata: { threads: 0 } }),
        LlamaCppConfig.parse({}),
      );
    expect(call).toThrow(InvalidModelSettingsError);
    expect(call).toThrow(/Model 'tiny': metadata\.threads/);
  });

  it('rejects an hf: reference with the way to fetch it', () => {
    expect(() =>
      resolveLlamaCppModel(
        model({ provider_resource_id: 'hf:org/repo/file.gguf' }),
        LlamaCppConfig.parse({}),
      ),
    ).toThrow(UnsupportedModelSourceError);
  });
});
