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

  it('resolves relative paths against the manifest directory when model_dir is unset or relative', () => {
    const options = { baseDir: '/manifests/local' };
    expect(
      resolveLlamaCppModel(model({ provider_resource_id: 'm.gguf' }), LlamaCppConfig.parse({}), options).path,
    ).toBe('/manifests/local/m.gguf');
    expect(
      resolveLlamaCppModel(
        model({ provider_resource_id: '../m.gguf' }),
        LlamaCppConfig.parse({ model_dir: 'models' }),
        options,
      ).path,
    ).toBe('/manifests/local/m.gguf');
  });

  it('reads an hf: reference as a hub file in the model cache (empty path until downloaded)', () => {
    const resolved = resolveLlamaCppModel(
      model({ provider_resource_id: 'hf:org/repo/sub/file.gguf', metadata: { sha256: 'ab'.repeat(32) } }),
      LlamaCppConfig.parse({}),
      { cacheDir: '/nonexistent-cache' },
    );
    expect(resolved.hub).toEqual({
      kind: 'file',
      repoId: 'org/repo',
      revision: 'main',
      file: 'sub/file.gguf',
    });
    expect(resolved.path).toBe('');
    expect(resolved.sha256).toBe('ab'.repeat(32));
  });

  it('rejects a malformed hf: reference with the accepted forms', () => {
    const call = () =>
      resolveLlamaCppModel(model({ provider_resource_id: 'hf:org' }), LlamaCppConfig.parse({}));
    expect(call).toThrow(UnsupportedModelSourceError);
    expect(call).toThrow(/hf:<owner>\/<repo>\/<file>\.gguf or hf:<owner>\/<repo>:<quant>/);
  });
});
