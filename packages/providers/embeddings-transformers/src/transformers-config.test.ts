import { substituteEnv } from '@llama-stack-ts/stack';
import { describe, expect, it } from 'vitest';
import { sampleTransformersConfig, TransformersConfig } from './transformers-config.js';

describe('TransformersConfig', () => {
  it('fills every default from an empty config', () => {
    expect(TransformersConfig.parse({})).toEqual({
      allow_remote_models: true,
      hub_url: 'https://huggingface.co',
      dtype: 'q8',
      device: 'cpu',
      max_batch_size: 32,
      preload: true,
      show_progress: true,
    });
  });

  it('parses the sample config once its env placeholders are substituted', () => {
    const { value } = substituteEnv(sampleTransformersConfig('/data/transformers'), { env: {} });
    expect(TransformersConfig.parse(value)).toMatchObject({
      model_cache_dir: '~/.llama-stack-ts/models',
      allow_remote_models: true,
      dtype: 'q8',
    });
    const fp32 = substituteEnv(sampleTransformersConfig('/data'), {
      env: { LLAMA_STACK_TS_EMBEDDING_DTYPE: 'fp32', LLAMA_STACK_TS_ALLOW_DOWNLOADS: 'false' },
    });
    expect(TransformersConfig.parse(fp32.value)).toMatchObject({ dtype: 'fp32', allow_remote_models: false });
  });

  it('names a bad dtype and an unknown field', () => {
    expect(() => TransformersConfig.parse({ dtype: 'fp8' })).toThrow(/dtype/);
    expect(() => TransformersConfig.parse({ pooling: 'mean' })).toThrow(/pooling/);
  });
});
